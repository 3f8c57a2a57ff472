/**
 * Issue 6, acceptance 2: `tusk-es serve` on PostgreSQL is SIGKILLed in the middle of a saga —
 * once during a step, once during a compensation — and restarted; the saga resumes, and every
 * command shows up exactly once in its aggregate. The kill is deterministic: the interrupted
 * action is a `call` to an endpoint of this test that holds the request until the server is
 * dead. (A call is at least once: the resumed attempt calls again, with the same Idempotency-Key.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../support/postgres.js';
import { startServer, type ServerProcess } from '../support/server.js';
import { api, eventTypes, startEndpoint, waitForSaga, type Endpoint } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tusk-saga-crash-'));
let endpoint: Endpoint;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  // The first request to each of these paths is held (the server is killed meanwhile); later ones succeed.
  endpoint = await startEndpoint((path, n) =>
    n === 1 && (path === '/notify' || path === '/unnotify') ? 'hold' : { status: 200, body: { ok: true } },
  );
  const url = await createTestDatabase(inject('pgUrl'));
  writeFileSync(join(dir, 'app.tsk'), app(url, endpoint.url));
});
afterAll(async () => {
  for (const s of servers) await s.kill();
  await endpoint?.close();
  rmSync(dir, { recursive: true, force: true });
});

const app = (db: string, ep: string) => `
event_store { type = "postgresql", connection = "${db}" }
aggregates {
    account = {
        state = { status = "none" }
        commands = {
            Open = { creates = true, emits = "Opened" }
            Reserve = { input = { amount = "number" }, emits = "Reserved" }
            Release = { input = { amount = "number" }, emits = "Released" }
            Charge = {
                input = { amount = "number" }
                require = [{ when = "input.amount <= 100", message = "declined" }]
                emits = "Charged"
            }
            Confirm = { emits = "Confirmed" }
        }
    }
}
saga_config {
    mid_step = {
        steps = [
            { name = "reserve", command = "Reserve", compensation = "Release", input = { amount = "data.amount" } },
            { name = "notify", call = { url = "${ep}/notify", timeout = "2s" } },
            { name = "confirm", command = "Confirm" }
        ]
    }
    mid_compensation = {
        retry_policy = { max_retries = 0 }
        steps = [
            { name = "reserve", command = "Reserve", compensation = "Release", input = { amount = "data.amount" } },
            {
                name = "notify"
                call = { url = "${ep}/notify-ok" }
                compensation_call = { url = "${ep}/unnotify", timeout = "2s" }
            },
            { name = "charge", command = "Charge", input = { amount = "data.amount" } }
        ]
    }
}
`;

async function serve(): Promise<ServerProcess> {
  const server = await startServer('app.tsk', { cwd: dir });
  servers.push(server);
  return server;
}

async function openAccount(base: string, id: string): Promise<void> {
  expect((await api(base, 'POST', `/aggregates/account/${id}/commands/Open`, {})).status).toBe(200);
}

describe('SIGKILL during a saga', () => {
  it('resumes a saga killed during a step: each command applied once, the call repeated with the same key', async () => {
    const first = await serve();
    await openAccount(first.url, 'a1');
    const { body } = await api(first.url, 'POST', '/sagas/mid_step', { aggregate_id: 'a1', amount: 10 });
    await endpoint.waitFor('/notify', 1);
    await first.kill();

    const second = await serve();
    const saga = await waitForSaga(second.url, 'mid_step', body.saga_id, ['completed', 'compensated', 'failed'], 60_000);
    expect(saga.status).toBe('completed');
    expect(await eventTypes(second.url, 'account', 'a1')).toEqual(['Opened', 'Reserved', 'Confirmed']);

    const calls = endpoint.to('/notify');
    expect(calls).toHaveLength(2);
    expect(calls[0]!.headers['idempotency-key']).toBe(`saga:${body.saga_id}:2:step`);
    expect(calls[1]!.headers['idempotency-key']).toBe(calls[0]!.headers['idempotency-key']);
    expect(calls[1]!.body).toEqual({ saga_id: body.saga_id, saga: 'mid_step', step: 'notify', data: { aggregate_id: 'a1', amount: 10 } });
    // The interrupted attempt was dispatched again, not counted as a new one.
    expect(saga.steps[1]).toMatchObject({
      name: 'notify',
      status: 'succeeded',
      attempts: 1,
      log: [{ attempt: 1, status: 'succeeded', resumed: true }],
    });
    await second.stop();
  });

  it('resumes a saga killed during a compensation: the remaining compensation applied once', async () => {
    const first = await serve();
    await openAccount(first.url, 'a2');
    const { body } = await api(first.url, 'POST', '/sagas/mid_compensation', { aggregate_id: 'a2', amount: 500 });
    await endpoint.waitFor('/unnotify', 1);
    const midway = await waitForSaga(first.url, 'mid_compensation', body.saga_id, ['compensating']);
    expect(midway.steps.map((s: { status: string }) => s.status)).toEqual(['succeeded', 'compensating', 'failed']);
    await first.kill();

    const second = await serve();
    const saga = await waitForSaga(second.url, 'mid_compensation', body.saga_id, ['compensated', 'failed', 'completed'], 60_000);
    expect(saga.status).toBe('compensated');
    expect(await eventTypes(second.url, 'account', 'a2')).toEqual(['Opened', 'Reserved', 'Released']);
    expect(endpoint.to('/notify-ok')).toHaveLength(1);
    const undo = endpoint.to('/unnotify');
    expect(undo).toHaveLength(2);
    expect(undo[0]!.headers['idempotency-key']).toBe(`saga:${body.saga_id}:2:compensation`);
    expect(undo[1]!.headers['idempotency-key']).toBe(undo[0]!.headers['idempotency-key']);
    expect(saga.steps.map((s: { status: string }) => s.status)).toEqual(['compensated', 'compensated', 'failed']);
    await second.stop();
  });
});
