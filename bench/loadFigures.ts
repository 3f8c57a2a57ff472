/**
 * Aggregate-load figures: a 10,000-event stream loaded through the engine without snapshots
 * (`load_10k`, against B4's plain SELECT and fold), with a snapshot 50 events behind the head,
 * and through a 3-step upcast chain (issue 5).
 */
import { randomUUID } from 'node:crypto';
import { migrationSchema } from '../src/config/schema/index.js';
import { evolveAll } from '../src/engine/evolve.js';
import { upcasterFor } from '../src/migrations/buildUpcaster.js';
import { Runtime } from '../src/runtime/Runtime.js';
import type { EventStore, StoredEvent } from '../src/store/EventStore.js';
import type { BenchContext } from './BenchContext.js';
import { benchEvent, benchModel, fillStream, openPgStore } from './fixtures.js';
import { elapsedMs, rate } from './harness.js';

const EVENTS = 10_000;
/** Loads per timed run: one load of 10,000 events takes tens of ms, too short to time alone. */
const LOADS = 10;

// v1 → v2 → v3 → v4; the fold reads quantity and unit_price, which every step keeps.
const CHAIN = {
  ItemAdded_v1_to_v2: { from_version: 1, to_version: 2, changes: { rename_fields: { sku: 'product_id' } } },
  ItemAdded_v2_to_v3: { from_version: 2, to_version: 3, changes: { add_fields: { currency: 'EUR', discount: 0 } } },
  ItemAdded_v3_to_v4: { from_version: 3, to_version: 4, changes: { transform_fields: { product_id: 'to_upper' } } },
};

/** Runs `runtime.aggregate` LOADS times and checks it folded every event. */
export async function loadRate(runtime: Runtime, id: string): Promise<number> {
  return rate(EVENTS * LOADS, async () => {
    for (let i = 0; i < LOADS; i++) {
      const loaded = await runtime.aggregate('cart', id);
      if (loaded.version !== EVENTS || (loaded.state as { count: number }).count !== EVENTS)
        throw new Error(`load folded ${String(loaded.state.count)} events`);
    }
  });
}

/** A stream of EVENTS events whose snapshot (under `runtime`'s config hash) is at EVENTS - 50. */
async function fillWithSnapshot(store: EventStore, runtime: Runtime, id: string): Promise<void> {
  const at = EVENTS - 50;
  await fillStream(store, 'cart', id, at - 50);
  const before = await runtime.aggregate('cart', id);
  const definition = runtime.definitions.get('cart')!;
  const events = Array.from({ length: 50 }, (_, k) => benchEvent(at - 50 + k));
  const provisional: StoredEvent[] = events.map((e, k) => ({
    ...e,
    streamType: 'cart',
    streamId: id,
    version: before.version + k + 1,
    position: 0,
  }));
  const state = evolveAll(definition, before.state, provisional);
  await store.append({
    streamType: 'cart',
    streamId: id,
    expectedVersion: before.version,
    events,
    snapshot: { version: at, state, configHash: definition.configHash },
  });
  await store.append({
    streamType: 'cart',
    streamId: id,
    expectedVersion: at,
    events: Array.from({ length: 50 }, (_, k) => benchEvent(at + k)),
  });
}

/** The load figures, on a fresh database. */
export async function loadFigures(ctx: BenchContext): Promise<void> {
  const store = await openPgStore(await ctx.newDatabase());
  const model = benchModel({ type: 'postgresql' });
  const plain = new Runtime({ model, store, ownsStore: false });
  const chain = upcasterFor(Object.fromEntries(Object.entries(CHAIN).map(([k, v]) => [k, migrationSchema.parse(v)])));
  const upcasting = new Runtime({ model, store, ownsStore: false, upcaster: chain });
  // Every load reads the store: no hot tier (the cache group measures those).
  delete plain.engine.stateCache;
  delete upcasting.engine.stateCache;
  try {
    const id = `load-${randomUUID()}`;
    await fillStream(store, 'cart', id, EVENTS);
    await ctx.report.figure(
      { id: 'load_10k', title: 'aggregate load of a 10,000-event stream, no snapshot', unit: 'events/s', baseline: 'B4' },
      () => loadRate(plain, id),
    );
    const snapped = `snap-${randomUUID()}`;
    await fillWithSnapshot(store, plain, snapped);
    await ctx.report.figure(
      {
        id: 'load_10k_snapshot',
        title: 'aggregate load of a 10,000-event stream, snapshot 50 events behind (time per load)',
        unit: 'ms',
        lowerIsBetter: true,
      },
      async () =>
        (await elapsedMs(async () => {
          for (let i = 0; i < LOADS; i++) {
            const loaded = await plain.aggregate('cart', snapped);
            if ((loaded.state as { count: number }).count !== EVENTS) throw new Error('snapshot load folded the wrong events');
          }
        })) / LOADS,
    );
    await ctx.report.figure(
      {
        id: 'load_10k_upcast3',
        title: 'aggregate load of a 10,000-event stream of v1 events through a 3-step upcast chain (compare load_10k)',
        unit: 'events/s',
      },
      () => loadRate(upcasting, id),
    );
  } finally {
    await plain.close();
    await upcasting.close();
    await store.close();
  }
}
