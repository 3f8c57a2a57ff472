/**
 * Partitioned events table figures (issue 16 item 4): `append_64` and `load_10k` on a table
 * partitioned by hash (8) and by the archived flag, each against the same figure on an
 * unpartitioned table of the same run (target: within 10%).
 */
import { randomUUID } from 'node:crypto';
import { appSchema } from '../src/config/schema/index.js';
import { Runtime } from '../src/runtime/Runtime.js';
import type { EventStore } from '../src/store/EventStore.js';
import { openEventStore } from '../src/store/index.js';
import type { BenchContext } from './BenchContext.js';
import { benchModel, fillStream } from './fixtures.js';
import { loadRate } from './loadFigures.js';
import { appendRate } from './storeFigures.js';

const LAYOUTS = [
  ['hash', { by: 'hash', partition_count: 8 }],
  ['archived', { by: 'archived' }],
] as const;

/** A store on `url` with `partitioning`, a runtime that loads from it (no hot tier), and a 10,000-event stream. */
async function setUp(
  url: string,
  partitioning: Record<string, unknown> | undefined,
): Promise<{ store: EventStore; runtime: Runtime; id: string }> {
  const store = await openEventStore(appSchema.parse({ event_store: { type: 'postgresql', connection: url, partitioning } }).event_store);
  const runtime = new Runtime({ model: benchModel({ type: 'postgresql' }), store, ownsStore: false });
  delete runtime.engine.stateCache;
  const id = `load-${randomUUID()}`;
  await fillStream(store, 'cart', id, 10_000);
  // other streams around it, as in a real log (the load must find its stream's rows among them)
  for (let i = 0; i < 20; i++) await fillStream(store, 'cart', `other-${i}`, 500);
  return { store, runtime, id };
}

/** The partitioned figures, each on fresh databases. */
export async function partitionFigures(ctx: BenchContext): Promise<void> {
  const plain = await setUp(await ctx.newDatabase(), undefined);
  let run = 0;
  try {
    for (const [name, partitioning] of LAYOUTS) {
      const part = await setUp(await ctx.newDatabase(), partitioning);
      try {
        await ctx.report.compare(
          {
            id: `append_64_${name}`,
            title: `append_64 on an events table partitioned by ${name} (against unpartitioned)`,
            unit: 'events/s',
          },
          () => appendRate(part.store, 64, ctx.runSeconds, `p${run++}`),
          { id: 'append_64 unpartitioned', fn: () => appendRate(plain.store, 64, ctx.runSeconds, `p${run++}`) },
        );
        await ctx.report.compare(
          { id: `load_10k_${name}`, title: `load_10k on an events table partitioned by ${name} (against unpartitioned)`, unit: 'events/s' },
          () => loadRate(part.runtime, part.id),
          { id: 'load_10k unpartitioned', fn: () => loadRate(plain.runtime, plain.id) },
        );
      } finally {
        await part.runtime.close();
        await part.store.close();
      }
    }
  } finally {
    await plain.runtime.close();
    await plain.store.close();
  }
}
