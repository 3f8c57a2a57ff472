/**
 * Issue 6, acceptance 1: seed 000's `order_processing_saga`, exactly as the seed writes it,
 * over HTTP against a started server on PostgreSQL. The fixture's ProcessPaymentCommand fails
 * on a rule for orders over 1000.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { createTestDatabase } from '../support/postgres.js';
import { ORDER_AGGREGATES, SEED_SAGA, eventTypes, modelOf, waitForSaga } from './helpers.js';

let t: TestApp;

beforeAll(async () => {
  const url = await createTestDatabase(inject('pgUrl'));
  t = await startTestApp(await modelOf(`event_store = { type = "postgresql", connection = "${url}" }\n${ORDER_AGGREGATES}\n${SEED_SAGA}`));
});
afterAll(async () => {
  await t?.close();
});

async function placeOrder(id: string, total: number): Promise<void> {
  expect((await t.api('POST', `/aggregates/order/${id}/commands/PlaceOrder`, { total })).status).toBe(200);
}

async function startSaga(orderId: string): Promise<string> {
  const res = await t.api('POST', '/sagas/order_processing_saga', { aggregate_id: orderId });
  expect(res.status).toBe(202);
  expect(res.body).toEqual({ saga_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  return res.body.saga_id as string;
}

describe('seed 000 order_processing_saga', () => {
  it('compensates when the payment is declined: inventory released, then the order cancelled, each once', async () => {
    await placeOrder('big-1', 5000);
    const id = await startSaga('big-1');
    const saga = await waitForSaga(t.url, 'order_processing_saga', id, ['compensated', 'failed', 'completed']);
    expect(saga.status).toBe('compensated');

    expect(await eventTypes(t.url, 'order', 'big-1')).toEqual([
      'OrderPlaced',
      'OrderValidated',
      'InventoryReserved',
      'InventoryReleased',
      'OrderCancelled',
    ]);
    const state = await t.api('GET', '/aggregates/order/big-1');
    expect(state.body.state).toMatchObject({ status: 'cancelled', inventory: 'released', payment: 'none', shipment: 'none' });

    expect(saga.steps.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([
      ['validate_order', 'compensated'],
      ['reserve_inventory', 'compensated'],
      ['process_payment', 'failed'],
      ['ship_order', 'pending'],
    ]);
    const payment = saga.steps[2];
    // max_retries = 3: the first attempt and three retries, all declined by the rule.
    expect(payment.attempts).toBe(4);
    expect(payment.error).toEqual({ code: 'RULE_VIOLATION', status: 422, message: 'payment declined: over the card limit' });
    expect(saga.error).toMatchObject({ code: 'RULE_VIOLATION' });
    // The compensations ran from the last completed step back to the first.
    const release = Date.parse(saga.steps[1].compensation.at);
    const cancel = Date.parse(saga.steps[0].compensation.at);
    expect(release).toBeLessThanOrEqual(cancel);
    expect(saga.steps[1].compensation).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(saga.steps[0].compensation).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('completes on the happy path with every step applied once, in order', async () => {
    await placeOrder('small-1', 50);
    const id = await startSaga('small-1');
    const saga = await waitForSaga(t.url, 'order_processing_saga', id, ['compensated', 'failed', 'completed']);
    expect(saga.status).toBe('completed');
    expect(saga.steps.map((s: { status: string; attempts: number }) => [s.status, s.attempts])).toEqual([
      ['succeeded', 1],
      ['succeeded', 1],
      ['succeeded', 1],
      ['succeeded', 1],
    ]);
    expect(saga.steps[0].result).toMatchObject({ aggregate_id: 'small-1', events: ['OrderValidated'] });
    expect(await eventTypes(t.url, 'order', 'small-1')).toEqual([
      'OrderPlaced',
      'OrderValidated',
      'InventoryReserved',
      'PaymentProcessed',
      'OrderShipped',
    ]);
  });

  it('tags every command a saga ran with the saga id and an idempotency key per step', async () => {
    await placeOrder('small-2', 10);
    const id = await startSaga('small-2');
    await waitForSaga(t.url, 'order_processing_saga', id, ['completed']);
    const events = (await t.api('GET', '/aggregates/order/small-2/events')).body.events as {
      type: string;
      metadata: Record<string, unknown>;
    }[];
    expect(events.slice(1).map((e) => [e.metadata.saga_id, e.metadata.saga_step, e.metadata.idempotency_key])).toEqual([
      [id, 'validate_order', `saga:${id}:1:step`],
      [id, 'reserve_inventory', `saga:${id}:2:step`],
      [id, 'process_payment', `saga:${id}:3:step`],
      [id, 'ship_order', `saga:${id}:4:step`],
    ]);
  });

  it('answers 404 UNKNOWN_SAGA for an unknown saga or instance, and 400 for data that is not an object', async () => {
    expect((await t.api('POST', '/sagas/no_such_saga', {})).body.error.code).toBe('UNKNOWN_SAGA');
    const missing = await t.api('GET', '/sagas/order_processing_saga/00000000-0000-0000-0000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('UNKNOWN_SAGA');
    const bad = await t.api('POST', '/sagas/order_processing_saga', [1, 2]);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('BAD_REQUEST');
  });

  it('starts one saga per Idempotency-Key, and refuses the key with other data', async () => {
    await placeOrder('small-3', 20);
    const headers = { 'idempotency-key': 'start-small-3' };
    const first = await t.api('POST', '/sagas/order_processing_saga', { aggregate_id: 'small-3' }, headers);
    const again = await t.api('POST', '/sagas/order_processing_saga', { aggregate_id: 'small-3' }, headers);
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body.saga_id).toBe(first.body.saga_id);
    const other = await t.api('POST', '/sagas/order_processing_saga', { aggregate_id: 'small-4' }, headers);
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    await waitForSaga(t.url, 'order_processing_saga', first.body.saga_id, ['completed']);
    expect(await eventTypes(t.url, 'order', 'small-3')).toEqual([
      'OrderPlaced',
      'OrderValidated',
      'InventoryReserved',
      'PaymentProcessed',
      'OrderShipped',
    ]);
  });

  it('lists the instances of a saga, filtered by status', async () => {
    const all = await t.api('GET', '/sagas/order_processing_saga');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ limit: 100, offset: 0 });
    expect(all.body.sagas.length).toBeGreaterThanOrEqual(4);
    const compensated = await t.api('GET', '/sagas/order_processing_saga?status=compensated');
    expect(compensated.body.sagas).toEqual([
      {
        saga_id: expect.any(String),
        status: 'compensated',
        next_due_at: null,
        deadline: expect.any(String),
        updated_at: expect.any(String),
      },
    ]);
    const one = await t.api('GET', `/sagas/order_processing_saga/${compensated.body.sagas[0].saga_id}`);
    expect(one.body.aggregate_id).toBe('big-1');
    const bad = await t.api('GET', '/sagas/order_processing_saga?status=done');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('BAD_REQUEST');
  });

  it('counts sagas and step attempts in /metrics', async () => {
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/tusk_sagas_started_total\{saga="order_processing_saga"\} [1-9]/);
    expect(metrics).toMatch(/tusk_sagas_finished_total\{saga="order_processing_saga",status="compensated"\} 1/);
    expect(metrics).toMatch(
      /tusk_saga_step_attempts_total\{saga="order_processing_saga",step="process_payment",phase="step",outcome="failed"\} 4/,
    );
  });
});
