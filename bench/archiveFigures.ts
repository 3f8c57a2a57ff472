/**
 * Archive throughput (issue 16 item 3): events/s that an archival run moves (batches of 1,000
 * events, 100-event streams) to the archived partition of an events table partitioned by
 * archived, and to gzip NDJSON files (the files tier: write, fsync, read back, delete).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appSchema } from '../src/config/schema/index.js';
import { runArchive } from '../src/archive/runArchive.js';
import { openEventStore } from '../src/store/index.js';
import type { BenchContext } from './BenchContext.js';

const STREAMS = 200;
const PER_STREAM = 100;
const RUNS = 3;

/** The archive figures, each on a fresh database. */
export async function archiveFigures(ctx: BenchContext): Promise<void> {
  await archiveFigure(ctx, 'partition');
  const dir = mkdtempSync(join(tmpdir(), 'tusk-bench-archive-'));
  try {
    await archiveFigure(ctx, 'files', dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function archiveFigure(ctx: BenchContext, storage: 'partition' | 'files', dir?: string): Promise<void> {
  const connection = await ctx.newDatabase();
  const store = await openEventStore(
    appSchema.parse({
      event_store:
        storage === 'files'
          ? { type: 'postgresql', connection, archive: { storage, dir } }
          : { type: 'postgresql', connection, partitioning: { by: 'archived' } },
    }).event_store,
  );
  // the files tier keeps each stream's newest event in the table
  const moved = STREAMS * (storage === 'files' ? PER_STREAM - 1 : PER_STREAM);
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
      if (result.events !== moved) throw new Error(`archived ${result.events} of ${moved} events`);
      samples.push((result.events * 1000) / result.durationMs);
    }
    ctx.report.record(
      {
        id: storage === 'files' ? 'archive_files_throughput' : 'archive_throughput',
        title: `archival to ${storage === 'files' ? 'gzip NDJSON files' : 'the archived partition'} (${moved.toLocaleString('en-US')} events, batches of 1,000)`,
        unit: 'events/s',
      },
      samples,
    );
  } finally {
    await store.close();
  }
}
