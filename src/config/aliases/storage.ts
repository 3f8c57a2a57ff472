/**
 * The seeds' words for partitioning and archival, in the canonical keys (issue 16 items 3-4):
 * seed 000's `partitioning = { strategy = "by_date", partition_size = "monthly" }`, seed 004's
 * `PartitionedEventStream` (`partition_count`), seed 001's `retention = { events_days,
 * archive_enabled }`.
 */
import type { Path } from '../../tsk/document.js';
import { isPlainObject } from '../paths.js';
import type { CanonicalTree } from './CanonicalTree.js';
import { getOwn } from '../../util/setOwn.js';

const STRATEGIES: Record<string, string> = {
  by_date: 'time',
  date: 'time',
  by_time: 'time',
  range: 'time',
  by_hash: 'hash',
  by_stream: 'hash',
  by_archived: 'archived',
  archive: 'archived',
};
const SIZES: Record<string, string> = { daily: 'day', weekly: 'week', monthly: 'month' };

/** `event_store.partitioning`, with `strategy` for `by` and `partition_size` for `interval`. */
export function putPartitioning(tree: CanonicalTree, value: unknown, from: Path): void {
  if (typeof value === 'string') return tree.put(['event_store', 'partitioning', 'by'], getOwn(STRATEGIES, value) ?? value, from);
  if (!isPlainObject(value)) return tree.put(['event_store', 'partitioning'], value, from);
  tree.claim(['event_store', 'partitioning'], from);
  for (const [key, v] of Object.entries(value)) {
    const at = [...from, key];
    if (key === 'strategy' || key === 'by')
      tree.put(['event_store', 'partitioning', 'by'], typeof v === 'string' ? (getOwn(STRATEGIES, v) ?? v) : v, at);
    else if (key === 'partition_size' || key === 'interval')
      tree.put(['event_store', 'partitioning', 'interval'], typeof v === 'string' ? (getOwn(SIZES, v) ?? v) : v, at);
    else if (key === 'partitions') tree.put(['event_store', 'partitioning', 'partition_count'], v, at);
    else tree.put(['event_store', 'partitioning', key], v, at);
  }
  // seed 004: a partition count alone means hash partitioning
  if (!('strategy' in value) && !('by' in value) && ('partition_count' in value || 'partitions' in value))
    tree.put(['event_store', 'partitioning', 'by'], 'hash', from);
}

/** Seed 001's `event_store.retention`: `archive_enabled` with `events_days` archives streams after that many days. */
export function putStoreRetention(tree: CanonicalTree, value: unknown, from: Path): void {
  tree.put(['event_store', 'retention'], value, from);
  if (!isPlainObject(value) || value.archive_enabled !== true) return;
  const days = value.events_days ?? value.retention_days;
  if (typeof days === 'number') tree.put(['event_store', 'archive', 'after'], `${days} days`, [...from, 'archive_enabled']);
}
