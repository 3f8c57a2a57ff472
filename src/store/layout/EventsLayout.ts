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
 * True when the events' (stream_type, stream_id, version) index is unique across the whole
 * table. PostgreSQL requires a partitioned table's unique index to contain the partition key:
 * for "archived" and "time" it also holds the flag or the timestamp, so a version is unique
 * only within one partition, and the append path may not count on the index to refuse a stale
 * write (it checks every stream's version in SQL instead; see planOptimistic).
 */
export function versionIndexIsGlobal(layout: EventsLayout): boolean {
  return layout.by === 'none' || layout.by === 'hash';
}
