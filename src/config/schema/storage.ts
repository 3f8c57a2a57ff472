/**
 * `event_store.partitioning` and `archive`: how the events table is laid out, and where old
 * streams go (issue 16 items 3-4; src/store/layout, src/archive).
 */
import { z } from 'zod';
import { duration, int } from './primitives.js';

export const partitioningSchema = z
  .strictObject({
    by: z
      .enum(['none', 'hash', 'archived', 'time'])
      .default('none')
      .describe('"hash" (of the stream), "archived" (hot/cold by the archived flag), "time" (range of the event timestamp) or "none"'),
    partition_count: int
      .pipe(z.number().min(2).max(256))
      .default(8)
      .describe('by = "hash": number of partitions (changing it re-partitions the log at the next start)'),
    interval: z.enum(['day', 'week', 'month']).default('month').describe('by = "time": the range of one partition'),
  })
  .describe('native PostgreSQL declarative partitioning of the events table; the store moves an existing log into it at start');

export type PartitioningConfig = z.infer<typeof partitioningSchema>;

/** When streams of one aggregate (or, store-wide, of every aggregate) move to cold storage. */
export const archiveRuleSchema = z
  .strictObject({
    after: duration.optional().describe('archive a stream once its newest event is older than this, e.g. "90 days"'),
    on: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .describe('archive a stream once it has an event of this type (a closing event), e.g. "OrderClosed"'),
  })
  .describe('when streams are archived');

export type ArchiveRule = z.infer<typeof archiveRuleSchema>;

/** `event_store.archive`: the store-wide rule and the cold storage. */
export const storeArchiveSchema = archiveRuleSchema
  .extend({
    storage: z
      .enum(['partition', 'files'])
      .default('partition')
      .describe(
        '"partition": archived events move to the archived partition of the events table (with partitioning.by = "archived"; on another layout they only carry the flag); "files": they move out of the database into gzip newline-delimited JSON files in `dir`, one per batch',
      ),
    dir: z
      .string()
      .min(1)
      .default('./.tusk-archive')
      .describe(
        'storage = "files": the directory of the archive files (relative to the working directory, like data_dir; every process of a fleet must see the same one)',
      ),
    batch_size: int.pipe(z.number().min(1).max(100_000)).default(1000).describe('events moved per batch (copy, verify, delete)'),
    interval: duration.default(60_000).describe('how often `serve` looks for streams to archive (one process of a fleet, under a lease)'),
  })
  .describe('archival tiers: where streams go once an archive rule says they are old');

export type StoreArchiveConfig = z.infer<typeof storeArchiveSchema>;
