/**
 * Issue 6, acceptance 4 across a restart: the saga's deadline passes while `tusk-es serve` is
 * down (SIGKILLed between two retries of a failing step). The deadline is in the saga's own
 * events, so the restarted server compensates at once instead of retrying, and the saga ends
 * `timed_out` with the completed step undone exactly once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../support/postgres.js';
import { startServer, type ServerProcess } from '../support/server.js';
import { api, eventTypes, startEndpoint, waitForSaga, type Endpoint } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tusk-saga-timeout-'));
let endpoint: Endpoint;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  endpoint = await startEndpoint(() => ({ status: 500, body: { error: 'down' } }));
  const url = await createTestDatabase(inject('pgUrl'));
  writeFileSync(
    join(dir, 'app.tsk'),
    `
event_store { type = "postgresql", connection = "${url}" }
aggregates {
    account = {
        commands = {
            Open = { creates = true, emits = "Opened" }
            Reserve = { input = { amount = "number" }, emits = "Reserved" }
            Release = { input = { amount = "number" }, emits = "Released" }
        }
    }
}
saga_config {
    payment = {
        timeout = "2500ms"
        retry_policy = { max_retries = 1000, backoff_multiplier = 1, initial_delay = "400ms" }
        steps = [
            { name = "reserve", command = "Reserve", compensation = "Release", input = { amount = "data.amount" } },
            { name = "pay", call = { url = "${endpoint.url}/pay" } }
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

describe('saga timeout across a restart', () => {
  it('compensates after the deadline passed while the server was down, and ends timed_out', async () => {
    const first = await startServer('app.tsk', { cwd: dir });
    servers.push(first);
    expect((await api(first.url, 'POST', '/aggregates/account/t1/commands/Open', {})).status).toBe(200);
    const { body } = await api(first.url, 'POST', '/sagas/payment', { aggregate_id: 't1', amount: 5 });
    // Kill between two attempts (none in flight): right after a failure, well before the retry.
    let waiting: any;
    for (;;) {
      waiting = (await api(first.url, 'GET', `/sagas/payment/${body.saga_id}`)).body;
      const last = waiting.steps[1].log.at(-1);
      if (last?.status === 'failed' && Date.parse(last.next_attempt_at) - Date.now() > 250) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await first.kill();
    const callsBeforeKill = endpoint.to('/pay').length;

    // Stay down until the deadline has passed.
    const deadline = Date.parse(waiting.deadline);
    await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now()) + 300));

    const second = await startServer('app.tsk', { cwd: dir });
    servers.push(second);
    const saga = await waitForSaga(second.url, 'payment', body.saga_id, ['timed_out', 'compensated', 'failed', 'completed'], 60_000);
    expect(saga.status).toBe('timed_out');
    expect(await eventTypes(second.url, 'account', 't1')).toEqual(['Opened', 'Reserved', 'Released']);
    expect(saga.steps[0]).toMatchObject({ name: 'reserve', status: 'compensated', compensation: { status: 'succeeded', attempts: 1 } });
    expect(Date.parse(saga.steps[0].compensation.at)).toBeGreaterThan(deadline);
    // The restarted server did not retry the failing step past the deadline.
    expect(endpoint.to('/pay')).toHaveLength(callsBeforeKill);
    expect(saga.steps[1].log.length).toBe(callsBeforeKill);
    expect(await second.stop()).toBe(0);
  });
});
