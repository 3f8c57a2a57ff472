/**
 * Issue 13 fault 7: the default app's order_processing_saga works both ways it can be started,
 * over real HTTP: by an OrderCreated event, and by POST /sagas/order_processing_saga with a body
 * (it used to read `aggregate_id`, null over HTTP, and always ended compensated).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { appSchema } from '../../src/config/schema/index.js';
import { sagaIdForEvent } from '../../src/sagas/sagaIds.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { waitForSaga } from './helpers.js';

let t: TestApp;
const SAGA = 'order_processing_saga';

beforeAll(async () => {
  const loaded = await loadConfig(join(import.meta.dirname, '..', '..', 'config', 'app.tsk'), { mode: 'serve', env: {} });
  const store = appSchema.parse({ event_store: { type: 'embedded', data_dir: 'memory://' } }).event_store;
  t = await startTestApp({ ...loaded.model!, event_store: store });
});
afterAll(async () => {
  await t?.close();
});

const post = async (path: string, body: unknown) => {
  const res = await t.api('POST', path, body);
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body;
};

// Every status a saga ends in, so a wrong outcome fails on its value, not on a timeout.
const ENDED = ['completed', 'compensated', 'failed', 'timed_out'];
const finished = (id: string) => waitForSaga(t.url, SAGA, id, ENDED, 60_000);
const state = async (type: string, id: string) => (await t.api('GET', `/aggregates/${type}/${id}`)).body.state;

describe('config/app.tsk order_processing_saga, started both ways', () => {
  it('started by OrderCreated: reserves the stock and confirms the order', async () => {
    await post('/aggregates/product/p1/commands/CreateProduct', { sku: 'P-1', name: 'pen', price: 2, stock: 5 });
    const order = await post('/aggregates/order/o1/commands/CreateOrder', {
      customer_id: 'c1',
      product_id: 'p1',
      quantity: 2,
      unit_price: 2,
    });
    expect((await finished(sagaIdForEvent(SAGA, order.events[0]))).status).toBe('completed');
    expect(await state('order', 'o1')).toMatchObject({ status: 'confirmed' });
    expect(await state('product', 'p1')).toMatchObject({ stock: 3 });
  });

  it('started over HTTP with a body: processes an order again once there is stock for it', async () => {
    const order = await post('/aggregates/order/o2/commands/CreateOrder', {
      customer_id: 'c1',
      product_id: 'p1',
      quantity: 50,
      unit_price: 2,
    });
    expect((await finished(sagaIdForEvent(SAGA, order.events[0]))).status).toBe('compensated');
    expect(await state('order', 'o2')).toMatchObject({ status: 'pending' });

    await post('/aggregates/product/p1/commands/AddStock', { quantity: 100 });
    const started = await post(`/sagas/${SAGA}`, { order_id: 'o2', product_id: 'p1', quantity: 50 });
    const saga = await finished(started.saga_id);
    expect(saga.status).toBe('completed');
    expect(saga.steps.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([
      ['reserve_stock', 'succeeded'],
      ['confirm_order', 'succeeded'],
    ]);
    expect(await state('order', 'o2')).toMatchObject({ status: 'confirmed' });
    expect(await state('product', 'p1')).toMatchObject({ stock: 3 + 100 - 50 });
  });
});
