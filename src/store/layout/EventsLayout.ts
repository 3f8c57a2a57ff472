/**
 * The layout of the events table (issue 16 item 4): one table, or native PostgreSQL
 * declarative partitions by hash of the stream, by the archived flag, or by time range.
 * Appends, reads and the global order are the same in every layout; only where rows live changes.
 */
import type { PartitioningConfig } from '../../config/schema/storage.js';

/** How the events table is partitioned. */
export type EventsLayout =
  | { by: 'none' }
  | { by: 'hash'; partitionCount: number }
  | { by: 'archived' }
  | { by: 'time'; interval: 'day' | 'week' | 'month' };

/** The layout `event_store.partitioning` asks for. */
export function layoutOf(config: PartitioningConfig | undefined): EventsLayout {
  switch (config?.by ?? 'none') {
    case 'hash':
      return { by: 'hash', partitionCount: config!.partition_count };
    case 'archived':
      return { by: 'archived' };
    case 'time':
      return { by: 'time', interval: config!.interval };
    default:
      return { by: 'none' };
  }
}

/** True when two layouts are the same. */
export function sameLayout(a: EventsLayout, b: EventsLayout): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Where the events' (stream_type, stream_id, version) index refuses a second event of one
 * version, and so where an append may count on it to refuse a stale write (see planOptimistic).
 * PostgreSQL requires a partitioned table's unique index to contain the partition key:
 *  - `table`: unpartitioned or by hash (the key is the stream): the whole table;
 *  - `hot`: by the archived flag, the index holds the flag: versions are unique among hot
 *    events, which is where every append writes, but a stream's events may have moved to the
 *    archived partition since a version was learnt (the log epoch tells: logEpoch.ts), and a
 *    new stream's name may be an archived one's;
 *  - `partition`: by time, the index holds the timestamp: unique within one partition only,
 *    so every append checks its streams' versions in SQL.
 */
export type VersionIndexScope = 'table' | 'hot' | 'partition';

/** The scope of the events' version index in `layout`. */
export function versionIndexScope(layout: EventsLayout): VersionIndexScope {
  return layout.by === 'archived' ? 'hot' : layout.by === 'time' ? 'partition' : 'table';
}
