/**
 * Issue 6, acceptance 3 and the in-process half of 4: retries with exponential backoff shown
 * in the step log, and a `timeout` that compensates a saga whose step keeps failing. A started
 * app on PostgreSQL; the failing step calls an endpoint of this test.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { createTestDatabase } from '../support/postgres.js';
import { eventTypes, modelOf, startEndpoint, waitForSaga, type Endpoint } from './helpers.js';

let t: TestApp;
let endpoint: Endpoint;

beforeAll(async () => {
  endpoint = await startEndpoint((path, n) => {
    if (path === '/flaky') return n <= 2 ? { status: 503, body: { error: 'busy' } } : { status: 200, body: { receipt: 'r-1' } };
    if (path === '/down') return { status: 500, body: { error: 'down' } };
    return { status: 200 };
  });
  const url = await createTestDatabase(inject('pgUrl'));
  t = await startTestApp(
    await modelOf(`
event_store = { type = "postgresql", connection = "${url}" }
aggregates = {
    account = {
        commands = {
            Open = { creates = true, emits = "Opened" }
            Reserve = { input = { amount = "number" }, emits = "Reserved" }
            Release = { input = { amount = "number" }, emits = "Released" }
            Record = { input = { receipt = "string" }, emits = "Recorded" }
        }
    }
}
sagas = {
    flaky = {
        retry_policy = { max_retries = 3, backoff_multiplier = 3, initial_delay = "150ms" }
        steps = [
            { name = "reserve", command = "Reserve", compensation = "Release", input = { amount = "data.amount" } },
            { name = "pay", call = { url = "${endpoint.url}/flaky", body = { amount = "data.amount", account = "aggregate_id" } } },
            { name = "record", command = "Record", input = { receipt = "saga.results.pay.receipt" } }
        ]
    }
    slow = {
        timeout = "1s"
        retry_policy = { max_retries = 1000, backoff_multiplier = 1, initial_delay = "150ms" }
        steps = [
            { name = "reserve", command = "Reserve", compensation = "Release", input = { amount = "data.amount" } },
            { name = "pay", call = { url = "${endpoint.url}/down" } }
        ]
    }
}
`),
  );
});
afterAll(async () => {
  await t?.close();
  await endpoint?.close();
});

describe('saga retries', () => {
  it('completes a step that fails twice then succeeds under max_retries = 3, with the retries and backoff in the step log', async () => {
    expect((await t.api('POST', '/aggregates/account/r1/commands/Open')).status).toBe(200);
    const start = await t.api('POST', '/sagas/flaky', { aggregate_id: 'r1', amount: 7 });
    const saga = await waitForSaga(t.url, 'flaky', start.body.saga_id, ['completed', 'compensated', 'failed']);
    expect(saga.status).toBe('completed');

    const pay = saga.steps[1];
    expect(pay).toMatchObject({ name: 'pay', status: 'succeeded', attempts: 3, result: { receipt: 'r-1' } });
    expect(pay.error).toBeUndefined();
    expect(pay.log.map((l: { attempt: number; status: string; retry_in_ms?: number }) => [l.attempt, l.status, l.retry_in_ms])).toEqual([
      [1, 'failed', 150],
      [2, 'failed', 450],
      [3, 'succeeded', undefined],
    ]);
    expect(pay.log[0].error).toEqual({ status: 503, message: `POST ${endpoint.url}/flaky answered 503: {"error":"busy"}` });
    // Each retry waited for its backoff: it started no earlier than the time the log announced.
    for (const i of [0, 1]) {
      const failed = pay.log[i];
      const next = pay.log[i + 1];
      expect(Date.parse(failed.next_attempt_at) - Date.parse(failed.finished_at)).toBe(failed.retry_in_ms);
      expect(Date.parse(next.started_at)).toBeGreaterThanOrEqual(Date.parse(failed.next_attempt_at));
    }
    const calls = endpoint.to('/flaky');
    expect(calls).toHaveLength(3);
    expect(calls[2]!.at - calls[1]!.at).toBeGreaterThanOrEqual(450);
    expect(calls.map((c) => c.body)).toEqual(Array(3).fill({ amount: 7, account: 'r1' }));
    // A later step sees an earlier step's result.
    const events = (await t.api('GET', '/aggregates/account/r1/events')).body.events as { type: string; data: unknown }[];
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['Opened', {}],
      ['Reserved', { amount: 7 }],
      ['Recorded', { receipt: 'r-1' }],
    ]);
  });

  it('compensates a saga whose timeout passes while a step keeps failing, and ends timed_out', async () => {
    expect((await t.api('POST', '/aggregates/account/r2/commands/Open')).status).toBe(200);
    const start = await t.api('POST', '/sagas/slow', { aggregate_id: 'r2', amount: 3 });
    const saga = await waitForSaga(t.url, 'slow', start.body.saga_id, ['completed', 'compensated', 'failed', 'timed_out']);
    expect(saga.status).toBe('timed_out');
    expect(await eventTypes(t.url, 'account', 'r2')).toEqual(['Opened', 'Reserved', 'Released']);
    expect(saga.steps[0]).toMatchObject({ name: 'reserve', status: 'compensated' });
    expect(saga.steps[1].status).toBe('retrying');
    expect(saga.steps[1].attempts).toBeGreaterThanOrEqual(2);
    const deadline = Date.parse(saga.deadline);
    expect(deadline - Date.parse(saga.started_at)).toBe(1000);
    expect(Date.parse(saga.steps[0].compensation.at)).toBeGreaterThanOrEqual(deadline);
    // No attempt of the failing step began after the deadline.
    for (const l of saga.steps[1].log) expect(Date.parse(l.started_at)).toBeLessThan(deadline);
  });
});
