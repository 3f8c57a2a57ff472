/**
 * Projection rebuild (issue 4): 100,000 events, each its own stream as B3's rows are, replayed
 * into a fresh table and swapped in (`rebuild_100k`, against B3's COPY of the same rows).
 */
import type { EventStore } from '../src/store/EventStore.js';
import type { BenchContext } from './BenchContext.js';
import { benchEvent, benchModel, openPgStore } from './fixtures.js';
import { rate } from './harness.js';

const EVENTS = 100_000;

/** The projection: one row per ItemAdded, written from the event's data. */
const PROJECTION = {
  cart_lines: {
    table: 'cart_lines',
    events: ['ItemAdded'],
    mode: 'async',
    columns: { id: 'text primary key', sku: 'text', quantity: 'integer', unit_price: 'numeric', amount: 'numeric' },
    mapping: {
      ItemAdded: {
        action: 'insert',
        fields: { sku: 'data.sku', quantity: 'data.quantity', unit_price: 'data.unit_price', amount: 'data.quantity * data.unit_price' },
      },
    },
  },
};

/** Appends EVENTS one-event streams, 256 appends in flight (group commit batches them). */
async function fill(store: EventStore): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 256 }, async () => {
      for (let i = next++; i < EVENTS; i = next++) {
        await store.append({ streamType: 'cart', streamId: `r-${i}`, expectedVersion: 'no_stream', events: [benchEvent(i)] });
      }
    }),
  );
}

/** The rebuild figure, or "skipped" when src/projections offers no rebuild. */
export async function rebuildFigures(ctx: BenchContext): Promise<void> {
  const title = 'projection rebuild of 100,000 events (replay into a fresh table, then swap)';
  let modules;
  try {
    modules = await Promise.all([
      import('../src/projections/compile/compileProjection.js'),
      import('../src/projections/rebuild/rebuildProjection.js'),
    ]);
  } catch (err) {
    ctx.report.skip(
      'rebuild_100k',
      title,
      `src/projections has no usable rebuild yet (${err instanceof Error ? err.message : String(err)})`,
    );
    return;
  }
  const [{ compileProjections }, { rebuildProjection }] = modules;
  const store = await openPgStore(await ctx.newDatabase());
  try {
    const model = benchModel({ type: 'postgresql' }, { projections: PROJECTION });
    const projection = compileProjections(model).find((p) => p.name === 'cart_lines')!;
    ctx.note(`appending ${EVENTS.toLocaleString('en-US')} one-event streams for the rebuild`);
    await fill(store);
    await ctx.report.figure({ id: 'rebuild_100k', title, unit: 'events/s', baseline: 'B3' }, async () => {
      let replayed = 0;
      const r = await rate(EVENTS, async () => {
        replayed = (await rebuildProjection(store, projection, { owner: 'bench' })).events;
      });
      if (replayed !== EVENTS) throw new Error(`the rebuild replayed ${replayed} events, not ${EVENTS}`);
      const { rows } = await store.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${store.tables.table('cart_lines')}`);
      if (rows[0]!.n !== EVENTS) throw new Error(`the rebuilt table has ${rows[0]!.n} rows, not ${EVENTS}`);
      return r;
    });
  } finally {
    await store.close();
  }
}
