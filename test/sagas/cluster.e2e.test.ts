/**
 * Issue 6, acceptance 5: two `tusk-es serve` processes on one PostgreSQL run each saga once.
 * Sagas are started by events appended through both processes; halfway, the process that runs
 * the sagas is SIGKILLed and the other takes over when its lease expires. Every saga completes,
 * every command is applied exactly once, and the endpoint of the `call` step is called once per
 * saga (no call was in flight at the kill: the first half had finished).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sagaIdForEvent } from '../../src/sagas/sagaIds.js';
import { createTestDatabase } from '../support/postgres.js';
import { startServer, type ServerProcess } from '../support/server.js';
import { api, eventTypes, startEndpoint, waitForSaga, type Endpoint } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tusk-saga-cluster-'));
let endpoint: Endpoint;
const servers: ServerProcess[] = [];
const PER_HALF = 6;

beforeAll(async () => {
  endpoint = await startEndpoint(() => ({ status: 200, body: { ok: true } }));
  const url = await createTestDatabase(inject('pgUrl'));
  writeFileSync(
    join(dir, 'app.tsk'),
    `
event_store { type = "postgresql", connection = "${url}" }
aggregates {
    account = {
        state = { status = "none" }
        commands = {
            Open = { creates = true, input = { amount = "number" }, emits = "Opened" }
            Reserve = { input = { amount = "number" }, require = ["status == 'open'"], emits = "Reserved" }
            Confirm = { require = ["status == 'reserved'"], emits = "Confirmed" }
        }
        apply = {
            Opened = { status = "'open'" }
            Reserved = { status = "'reserved'" }
            Confirmed = { status = "'confirmed'" }
        }
    }
}
saga_config {
    onboarding = {
        starts_on = "Opened"
        steps = [
            { name = "reserve", command = "Reserve", input = { amount = "data.amount" } },
            { name = "notify", call = { url = "${endpoint.url}/notify", body = { account = "aggregate_id" } } },
            { name = "confirm", command = "Confirm" }
        ]
    }
}
`,
  );
});
afterAll(async () => {
  for (const s of servers) await s.kill();
  await endpoint?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(server: ServerProcess, id: string): Promise<string> {
  const res = await api(server.url, 'POST', `/aggregates/account/${id}/commands/Open`, { amount: 1 });
  expect(res.status).toBe(200);
  return sagaIdForEvent('onboarding', res.body.events[0]);
}

// The consumer framework logs which process took the saga scheduler's lease.
const leads = (s: ServerProcess) =>
  s
    .stdout()
    .split('\n')
    .some((line) => line.includes('lease taken') && line.includes('"consumer":"sagas"'));

describe('two serve processes on one PostgreSQL', () => {
  it('run each saga once, and the second takes over when the first dies', async () => {
    const a = await startServer('app.tsk', { cwd: dir });
    const b = await startServer('app.tsk', { cwd: dir });
    servers.push(a, b);

    const sagas = new Map<string, string>();
    for (let i = 0; i < PER_HALF; i++) sagas.set(`x${i}`, await open(i % 2 === 0 ? a : b, `x${i}`));
    for (const [, id] of sagas)
      expect((await waitForSaga(a.url, 'onboarding', id, ['completed', 'failed', 'compensated'])).status).toBe('completed');
    // Exactly one of the two runs the sagas.
    expect([leads(a), leads(b)].filter(Boolean)).toHaveLength(1);

    const [leader, survivor] = leads(a) ? [a, b] : [b, a];
    await leader.kill();
    for (let i = PER_HALF; i < 2 * PER_HALF; i++) sagas.set(`x${i}`, await open(survivor, `x${i}`));
    for (const [, id] of sagas)
      expect((await waitForSaga(survivor.url, 'onboarding', id, ['completed', 'failed', 'compensated'], 60_000)).status).toBe('completed');
    expect(leads(survivor)).toBe(true);

    for (const [account, id] of sagas) {
      expect(await eventTypes(survivor.url, 'account', account)).toEqual(['Opened', 'Reserved', 'Confirmed']);
      const saga = (await api(survivor.url, 'GET', `/sagas/onboarding/${id}`)).body;
      expect(saga.steps.map((s: { attempts: number }) => s.attempts)).toEqual([1, 1, 1]);
    }
    const calls = endpoint.to('/notify');
    expect(calls).toHaveLength(sagas.size);
    expect(new Set(calls.map((c) => c.headers['idempotency-key'])).size).toBe(sagas.size);
    expect(new Set(calls.map((c) => (c.body as { account: string }).account))).toEqual(new Set(sagas.keys()));
    // One saga per triggering event: no other saga streams were started.
    const started = (await api(survivor.url, 'GET', '/events?type=$SagaStarted&limit=1000')).body.events as unknown[];
    expect(started).toHaveLength(sagas.size);
    expect(await survivor.stop()).toBe(0);
  });
});
