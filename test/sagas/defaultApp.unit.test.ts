/** The saga of the default app (config/app.tsk), started by OrderCreated, on an in-memory store. */
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { appSchema } from '../../src/config/schema/index.js';
import { Runtime } from '../../src/runtime/Runtime.js';
import { createSagasFeature } from '../../src/sagas/sagasFeature.js';
import { sagaIdForEvent, type TriggerRef } from '../../src/sagas/sagaIds.js';
import { loadSaga } from '../../src/sagas/sagaStream.js';
import { openEventStore } from '../../src/store/index.js';

let runtime: Runtime;

beforeAll(async () => {
  const loaded = await loadConfig(join(import.meta.dirname, '..', '..', 'config', 'app.tsk'), { mode: 'serve', env: {} });
  const model = {
    ...loaded.model!,
    event_store: appSchema.parse({ event_store: { type: 'embedded', data_dir: 'memory://' } }).event_store,
  };
  runtime = new Runtime({ model, store: await openEventStore(model.event_store), logger: pino({ level: 'silent' }) });
  await createSagasFeature({ pollMs: 20 }).install!(runtime);
});
afterAll(async () => {
  await runtime?.close();
});

async function sagaOf(orderEvent: TriggerRef) {
  const id = sagaIdForEvent('order_processing_saga', orderEvent);
  for (let i = 0; i < 500; i++) {
    const s = await loadSaga(runtime.store, id);
    if (s !== undefined && s.status !== 'running' && s.status !== 'compensating') return s;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`saga ${id} did not finish`);
}

describe('config/app.tsk order_processing_saga', () => {
  it('reserves stock on the product and confirms the order', async () => {
    await runtime.command({
      aggregateType: 'product',
      aggregateId: 'p1',
      command: 'CreateProduct',
      input: { sku: 'P-1', name: 'pen', price: 2, stock: 5 },
    });
    const order = await runtime.command({
      aggregateType: 'order',
      aggregateId: 'o1',
      command: 'CreateOrder',
      input: { customer_id: 'c', product_id: 'p1', quantity: 2, unit_price: 2 },
    });
    expect((await sagaOf(order.events[0]!)).status).toBe('completed');
    expect((await runtime.aggregate('product', 'p1')).state).toMatchObject({ stock: 3 });
    expect((await runtime.aggregate('order', 'o1')).state).toMatchObject({ status: 'confirmed' });
  });

  it('gives up on an order whose stock cannot be reserved, leaving the product untouched', async () => {
    const order = await runtime.command({
      aggregateType: 'order',
      aggregateId: 'o2',
      command: 'CreateOrder',
      input: { customer_id: 'c', product_id: 'p1', quantity: 50, unit_price: 2 },
    });
    const saga = await sagaOf(order.events[0]!);
    expect(saga.status).toBe('compensated');
    expect(saga.steps[0]!.step).toMatchObject({
      attempts: 4,
      exhausted: true,
      error: { code: 'RULE_VIOLATION', message: 'not enough stock' },
    });
    expect((await runtime.aggregate('product', 'p1')).state).toMatchObject({ stock: 3 });
    expect((await runtime.aggregate('order', 'o2')).state).toMatchObject({ status: 'pending' });
  });
});
