/**
 * The default app's order saga under load (issue 21's soak): every order of a burst is
 * confirmed exactly once and reserves its stock exactly once; a trigger starts the instances
 * of a batch of events together; and a step's outcome is appended with what follows it, so a
 * saga of two steps makes four appends of its own, not six.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { appSchema } from '../../src/config/schema/index.js';
import { Runtime } from '../../src/runtime/Runtime.js';
import { createSagasFeature } from '../../src/sagas/sagasFeature.js';
import { sagaIdForEvent } from '../../src/sagas/sagaIds.js';
import { SAGA_EVENTS, SAGA_STREAM_TYPE } from '../../src/sagas/sagaEvents.js';
import { loadSaga } from '../../src/sagas/sagaStream.js';
import type { AppendRequest } from '../../src/store/EventStore.js';
import { openEventStore } from '../../src/store/index.js';

let runtime: Runtime;
/** Every append of a saga stream: its stream id and event types. */
const sagaAppends: { streamId: string; types: string[] }[] = [];
let startsInFlight = 0;
let maxStartsInFlight = 0;

beforeAll(async () => {
  const loaded = await loadConfig(join(import.meta.dirname, '..', '..', 'config', 'app.tsk'), { mode: 'serve', env: {} });
  const model = {
    ...loaded.model!,
    event_store: appSchema.parse({ event_store: { type: 'embedded', data_dir: 'memory://' } }).event_store,
  };
  const store = await openEventStore(model.event_store);
  const append = store.append.bind(store);
  store.append = async (request: AppendRequest) => {
    if (request.streamType !== SAGA_STREAM_TYPE) return append(request);
    sagaAppends.push({ streamId: request.streamId, types: request.events.map((e) => e.type) });
    const start = request.events[0]?.type === SAGA_EVENTS.started;
    if (start) maxStartsInFlight = Math.max(maxStartsInFlight, ++startsInFlight);
    try {
      return await append(request);
    } finally {
      if (start) startsInFlight--;
    }
  };
  runtime = new Runtime({ model, store, logger: pino({ level: 'silent' }) });
  await createSagasFeature({ pollMs: 20 }).install!(runtime);
}, 120_000);
afterAll(async () => {
  await runtime?.close();
});

const PRODUCTS = 4;
const ORDERS = 120;

/** Waits (generously: CI is two busy cores) until every saga of `ids` has finished. */
async function finished(ids: readonly string[]): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const states = await Promise.all(ids.map((id) => loadSaga(runtime.store, id)));
    if (states.every((s) => s !== undefined && s.status !== 'running' && s.status !== 'compensating')) return;
    if (Date.now() > deadline) throw new Error(`sagas not finished: ${states.filter((s) => s?.status === 'running').length} running`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the order saga under load', () => {
  it('confirms every order of a burst exactly once and reserves its stock exactly once', async () => {
    for (let k = 0; k < PRODUCTS; k++) {
      await runtime.command({
        aggregateType: 'product',
        aggregateId: `p${k}`,
        command: 'CreateProduct',
        input: { sku: `P-${k}`, name: `product ${k}`, price: 1, stock: 10_000 },
      });
    }
    const orders = await Promise.all(
      Array.from({ length: ORDERS }, (_, i) =>
        runtime.command({
          aggregateType: 'order',
          aggregateId: `o${i}`,
          command: 'CreateOrder',
          input: { customer_id: 'c', product_id: `p${i % PRODUCTS}`, quantity: 1 + (i % 3), unit_price: 1 },
        }),
      ),
    );
    const sagaIds = orders.map((o) => sagaIdForEvent('order_processing_saga', o.events[0]!));
    await finished(sagaIds);
    for (const id of sagaIds) expect((await loadSaga(runtime.store, id))!.status).toBe('completed');
    for (let i = 0; i < ORDERS; i++) {
      const events = await runtime.store.readStream('order', `o${i}`);
      expect(events.map((e) => e.type)).toEqual(['OrderCreated', 'OrderConfirmed']);
    }
    for (let k = 0; k < PRODUCTS; k++) {
      const reserved = (await runtime.store.readStream('product', `p${k}`)).filter((e) => e.type === 'StockReserved');
      const mine = Array.from({ length: ORDERS }, (_, i) => i).filter((i) => i % PRODUCTS === k);
      expect(reserved.map((e) => (e.data as { order_id: string }).order_id).sort()).toEqual(mine.map((i) => `o${i}`).sort());
      const quantity = mine.reduce((sum, i) => sum + 1 + (i % 3), 0);
      expect((await runtime.aggregate('product', `p${k}`)).state).toMatchObject({ stock: 10_000 - quantity });
    }
  }, 180_000);

  it('starts the sagas of a batch of triggering events together, not one commit after the other', () => {
    // The burst above appended its OrderCreated events in one go: the trigger read them as one batch.
    expect(maxStartsInFlight).toBeGreaterThan(1);
  });

  it("appends a step's outcome with what follows it: four appends per saga of two steps, its events unchanged", () => {
    const byStream = new Map<string, string[][]>();
    for (const a of sagaAppends) byStream.set(a.streamId, [...(byStream.get(a.streamId) ?? []), a.types]);
    expect(byStream.size).toBe(ORDERS);
    for (const appends of byStream.values()) {
      expect(appends).toEqual([
        [SAGA_EVENTS.started],
        [SAGA_EVENTS.stepStarted],
        [SAGA_EVENTS.stepSucceeded, SAGA_EVENTS.stepStarted],
        [SAGA_EVENTS.stepSucceeded, SAGA_EVENTS.completed],
      ]);
    }
  });
});
