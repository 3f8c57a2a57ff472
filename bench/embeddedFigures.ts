/**
 * Embedded-store figure: appends through the EventStore API on PGlite (in memory, as B5),
 * 1 event per call from 64 concurrent streams (`embedded_64`, against B5's one-row
 * transactions in process).
 */
import { appSchema } from '../src/config/schema/index.js';
import { openEventStore } from '../src/store/index.js';
import type { BenchContext } from './BenchContext.js';
import { appendRate } from './storeFigures.js';

/** The embedded append figure. */
export async function embeddedFigures(ctx: BenchContext): Promise<void> {
  const store = await openEventStore(appSchema.parse({ event_store: { type: 'embedded', data_dir: 'memory://' } }).event_store);
  try {
    let run = 0;
    await ctx.report.figure(
      {
        id: 'embedded_64',
        title: 'embedded store (PGlite in memory) appends, 1 event per call, 64 concurrent streams',
        unit: 'events/s',
        baseline: 'B5',
      },
      () => appendRate(store, 64, ctx.runSeconds, `e-${run++}`),
    );
  } finally {
    await store.close();
  }
}
