/**
 * The cost of personal data (issue 16): appends whose events carry a personal field (sealed
 * with AES-256-GCM under the stream's subject key) against the same appends without, and the
 * load (fold) of a 10,000-event stream whose events all carry one, against a plain one. Same
 * store, same run, measured one after the other.
 */
import { randomUUID } from 'node:crypto';
import { Runtime } from '../src/runtime/Runtime.js';
import type { BenchContext } from './BenchContext.js';
import { benchModel, fillStream, openPgStore } from './fixtures.js';
import { rate } from './harness.js';
import { appendRate } from './storeFigures.js';

const EVENTS = 10_000;
const LOADS = 10;

/** The personal-data figures, on a fresh database. */
export async function personalDataFigures(ctx: BenchContext): Promise<void> {
  const store = await openPgStore(await ctx.newDatabase());
  const plain = new Runtime({ model: benchModel({ type: 'postgresql' }), store, ownsStore: false });
  // `sku` of every ItemAdded is personal, its subject the cart: one key per stream
  const personal = new Runtime({
    model: benchModel(
      { type: 'postgresql', encryption_key: 'bench-master-key-0123456789abcdef-0123' },
      { events: { ItemAdded: { personal_data: { subject: 'aggregate_id', fields: ['sku'] } } } },
    ),
    store,
    ownsStore: false,
  });
  delete plain.engine.stateCache;
  delete personal.engine.stateCache;
  const load = (runtime: Runtime, id: string) =>
    rate(EVENTS * LOADS, async () => {
      for (let i = 0; i < LOADS; i++) {
        const loaded = await runtime.aggregate('cart', id);
        if ((loaded.state as { count: number }).count !== EVENTS) throw new Error('the load folded the wrong events');
      }
    });
  try {
    let run = 0;
    await ctx.report.figure(
      { id: 'pii_append_64_plain', title: 'store appends, 64 streams, no personal field (compare pii_append_64_sealed)', unit: 'events/s' },
      () => appendRate(plain.store, 64, ctx.runSeconds, `pp-${run++}`),
    );
    await ctx.report.figure(
      {
        id: 'pii_append_64_sealed',
        title: 'store appends, 64 streams, one personal field sealed per event (AES-256-GCM, key per stream)',
        unit: 'events/s',
      },
      () => appendRate(personal.store, 64, ctx.runSeconds, `ps-${run++}`),
    );
    const plainId = `plain-${randomUUID()}`;
    const sealedId = `sealed-${randomUUID()}`;
    await fillStream(plain.store, 'cart', plainId, EVENTS);
    await fillStream(personal.store, 'cart', sealedId, EVENTS);
    await ctx.report.figure(
      {
        id: 'pii_load_10k_plain',
        title: 'aggregate load of a 10,000-event stream, no personal field (compare pii_load_10k_sealed)',
        unit: 'events/s',
      },
      () => load(plain, plainId),
    );
    await ctx.report.figure(
      {
        id: 'pii_load_10k_sealed',
        title: 'aggregate load of a 10,000-event stream, every event with a sealed personal field (opened on read)',
        unit: 'events/s',
      },
      () => load(personal, sealedId),
    );
  } finally {
    await plain.close();
    await personal.close();
    await store.close();
  }
}
