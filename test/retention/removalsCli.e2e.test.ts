/**
 * The removals from the CLI, against a PostgreSQL store a running `tusk-es serve` shares:
 * `tusk-es truncate` (the server still answers the same state, and 410 before the cut),
 * `tusk-es hard-delete` (the server, which had the aggregate in its state cache, answers 404
 * and the read model lost its row) and `tusk-es retention` (one sweep), with exit codes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { createTestDatabase } from '../support/postgres.js';
import { startServer, type ServerProcess } from '../support/server.js';

const dir = mkdtempSync(join(tmpdir(), 'tusk-removals-cli-'));
let server: ServerProcess | undefined;

const app = (url: string) => `
event_store = { type = "postgresql", connection = "${url}" }
aggregates = {
    account = {
        state = { balance = 0 }
        retention = { max_count = 3, check_every = "1000 days" }
        commands = {
            Open = { creates = true, input = {}, emits = "Opened" }
            Deposit = { input = { amount = "number" }, emits = "Deposited" }
        }
        apply = { Deposited = { balance = "balance + data.amount" } }
    }
}
projections = {
    balances = { table = "balances", events = ["Deposited"], on_stream_deleted = "delete", mapping = { Deposited = { action = "upsert", fields = { balance = "COALESCE(balance, 0) + data.amount" } } } }
}
`;

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server!.url}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

async function account(id: string, deposits: number): Promise<void> {
  expect((await call('POST', `/aggregates/account/${id}/commands/Open`, {})).status).toBe(200);
  for (let i = 1; i <= deposits; i++)
    expect((await call('POST', `/aggregates/account/${id}/commands/Deposit`, { amount: i })).status).toBe(200);
}

beforeAll(async () => {
  writeFileSync(join(dir, 'app.tsk'), app(await createTestDatabase(inject('pgUrl'))));
  server = await startServer(join(dir, 'app.tsk'), { cwd: dir });
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('tusk-es truncate, hard-delete and retention', () => {
  it('truncate keeps the state a running server answers; reads before the cut answer 410', async () => {
    await account('t1', 6);
    const before = await call('GET', '/aggregates/account/t1');
    expect(before.body).toMatchObject({ version: 7, state: { balance: 21 } });
    const run = await runCli(['truncate', 'app.tsk', 'account', 't1', '--before', '5'], {}, dir);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'truncate', status: 'done', events_removed: 4, before_version: 5 });
    expect((await call('GET', '/aggregates/account/t1')).body).toEqual(before.body);
    expect((await call('GET', '/aggregates/account/t1?version=2')).body.error.code).toBe('HISTORY_TRUNCATED');
    expect((await call('GET', '/aggregates/account/t1/events')).body.events.map((e: { type: string }) => e.type)).toEqual([
      '$snapshot',
      'Deposited',
      'Deposited',
      'Deposited',
    ]);
  });

  it('hard-delete removes the stream and its row; the server that cached it answers 404', async () => {
    await account('h1', 2);
    expect((await call('GET', '/aggregates/account/h1')).status).toBe(200);
    expect((await call('GET', '/projections/balances/h1')).body).toMatchObject({ balance: 3 });
    const run = await runCli(['hard-delete', 'app.tsk', 'account', 'h1'], {}, dir);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'delete', status: 'done', events_removed: 4 });
    expect((await call('GET', '/aggregates/account/h1')).body.error.code).toBe('STREAM_NOT_FOUND');
    expect((await call('GET', '/projections/balances/h1')).status).toBe(404);
    expect((await call('POST', '/aggregates/account/h1/commands/Deposit', { amount: 1 })).body.error.code).toBe('STREAM_NOT_FOUND');
    const again = await runCli(['hard-delete', 'app.tsk', 'account', 'h1'], {}, dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("account 'h1' does not exist");
  });

  it('retention sweeps every aggregate with retention once', async () => {
    await account('r1', 5);
    const run = await runCli(['retention', 'app.tsk'], {}, dir);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!)).toMatchObject({ aggregate_type: 'account', streams_truncated: 2 });
    expect((await call('GET', '/aggregates/account/r1/events')).body.events.map((e: { version: number }) => e.version)).toEqual([4, 5, 6]);
    expect((await call('GET', '/aggregates/account/r1')).body).toMatchObject({ version: 6, state: { balance: 15 } });
    const usage = await runCli(['truncate', 'app.tsk', 'account', 'r1', '--before', 'x'], {}, dir);
    expect(usage.code).toBe(2);
  });
});
