/**
 * Archive throughput (issue 16 item 3): events/s that an archival run moves to the archived
 * partition (batches of 1,000 events, 100-event streams), on an events table partitioned by archived.
 */
import { randomUUID } from 'node:crypto';
import { appSchema } from '../src/config/schema/index.js';
import { runArchive } from '../src/archive/runArchive.js';
import { openEventStore } from '../src/store/index.js';
import type { BenchContext } from './BenchContext.js';

const STREAMS = 200;
const PER_STREAM = 100;
const RUNS = 3;

/** The archive figure, on a fresh database. */
export async function archiveFigures(ctx: BenchContext): Promise<void> {
  const store = await openEventStore(
    appSchema.parse({ event_store: { type: 'postgresql', connection: await ctx.newDatabase(), partitioning: { by: 'archived' } } })
      .event_store,
  );
  const old = Date.now() - 400 * 86_400_000;
  const samples: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const type = `acct${run}`;
      for (let s = 0; s < STREAMS; s++) {
        const events = Array.from({ length: PER_STREAM }, (_, k) => ({
          id: randomUUID(),
          type: 'Deposited',
          eventVersion: 1,
          data: { k, amount: 10 },
          metadata: {},
          timestamp: new Date(old + k),
        }));
        await store.append({ streamType: type, streamId: `s${s}`, expectedVersion: 'no_stream', events });
      }
      const result = await runArchive(store, [{ streamType: type, before: new Date(Date.now() - 86_400_000) }], { batchSize: 1000 });
      if (result.events !== STREAMS * PER_STREAM) throw new Error(`archived ${result.events} of ${STREAMS * PER_STREAM} events`);
      samples.push((result.events * 1000) / result.durationMs);
    }
    ctx.report.record(
      {
        id: 'archive_throughput',
        title: `archival to the archived partition (${(STREAMS * PER_STREAM).toLocaleString('en-US')} events, batches of 1,000)`,
        unit: 'events/s',
      },
      samples,
    );
  } finally {
    await store.close();
  }
}
