/**
 * Aggregate reads/s through the engine (issue 7) without a hot tier, with the Redis tier, and
 * with the in-process tier the runtime uses when no Redis is configured. 64 aggregates of 250
 * events with snapshot_frequency 100, read by 16 concurrent readers; every read still reads
 * the stream's tail from PostgreSQL (a hot tier saves the snapshot and the fold, SPEC §11).
 */
import type { StateCache } from '../src/engine/StateCache.js';
import { MemoryStateCache } from '../src/engine/MemoryStateCache.js';
import { evolveAll } from '../src/engine/evolve.js';
import { Runtime } from '../src/runtime/Runtime.js';
import type { EventStore, StoredEvent } from '../src/store/EventStore.js';
import { startRedis } from '../test/support/redis.js';
import type { BenchContext } from './BenchContext.js';
import { benchEvent, benchModel, openPgStore } from './fixtures.js';
import { runFor } from './harness.js';

const AGGREGATES = 64;
const EVENTS = 250;

/** One aggregate as 100-event commands would leave it: events plus a snapshot at 200. */
async function fillAggregate(store: EventStore, runtime: Runtime, id: string): Promise<void> {
  const definition = runtime.definitions.get('cart')!;
  let state = definition.initialState as Record<string, unknown>;
  for (let from = 0; from < EVENTS; from += 50) {
    const events = Array.from({ length: 50 }, (_, k) => benchEvent(from + k));
    const provisional: StoredEvent[] = events.map((e, k) => ({
      ...e,
      streamType: 'cart',
      streamId: id,
      version: from + k + 1,
      position: 0,
    }));
    state = evolveAll(definition, state, provisional);
    const version = from + 50;
    await store.append({
      streamType: 'cart',
      streamId: id,
      expectedVersion: from === 0 ? 'no_stream' : from,
      events,
      ...(version % 100 === 0 ? { snapshot: { version, state, configHash: definition.configHash } } : {}),
    });
  }
}

function readRate(runtime: Runtime, seconds: number): Promise<number> {
  return runFor(16, seconds, async (client, i) => {
    const loaded = await runtime.aggregate('cart', `c-${(client * 7 + i) % AGGREGATES}`);
    if (loaded.version !== EVENTS) throw new Error(`read version ${loaded.version}`);
  });
}

/** The read figures, on a fresh database and a private Redis. */
export async function cacheFigures(ctx: BenchContext): Promise<void> {
  const store = await openPgStore(await ctx.newDatabase());
  const runtime = new Runtime({
    model: benchModel({ type: 'postgresql' }, { cache: { url: 'redis://127.0.0.1:1' } }),
    store,
    ownsStore: false,
  });
  const title = (tier: string) => `aggregate reads through the engine, 16 readers over 64 aggregates of 250 events, ${tier}`;
  try {
    for (let a = 0; a < AGGREGATES; a++) await fillAggregate(store, runtime, `c-${a}`);
    const useTier = (cache: StateCache | undefined) => {
      if (cache === undefined) delete runtime.engine.stateCache;
      else runtime.engine.stateCache = cache;
    };
    useTier(undefined);
    await ctx.report.figure({ id: 'reads_no_cache', title: title('no hot tier (snapshot + tail)'), unit: 'reads/s' }, () =>
      readRate(runtime, ctx.runSeconds),
    );

    let cacheModule;
    try {
      cacheModule = await import('../src/cache/index.js');
    } catch (err) {
      ctx.report.skip('reads_redis', title('Redis tier'), `src/cache is not usable (${err instanceof Error ? err.message : String(err)})`);
    }
    if (cacheModule !== undefined) {
      const redis = await startRedis();
      try {
        const cache = await cacheModule.createStateCache(runtime, { ...runtime.model.cache!, url: redis.url });
        cache.connect();
        // connect() does not wait; the figure's warm-up run fills the cache anyway.
        await new Promise((r) => setTimeout(r, 300));
        try {
          useTier(cache);
          await ctx.report.figure({ id: 'reads_redis', title: title('Redis tier'), unit: 'reads/s' }, () =>
            readRate(runtime, ctx.runSeconds),
          );
        } finally {
          await cache.close();
        }
      } finally {
        await redis.close();
      }
    }
    useTier(new MemoryStateCache());
    await ctx.report.figure({ id: 'reads_memory', title: title('in-process tier (the default without Redis)'), unit: 'reads/s' }, () =>
      readRate(runtime, ctx.runSeconds),
    );
  } finally {
    await runtime.close();
    await store.close();
  }
}
