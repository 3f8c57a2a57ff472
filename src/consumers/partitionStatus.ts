/** Where each partition of a consumer stands, whichever process runs it (GET /projections, the admin page). */
import type { EventStore } from '../store/EventStore.js';
import { partitionKeys } from './partitionKeys.js';
import { existingCheckpoints } from './sql/layoutLeases.js';
import { partitionOwners } from './sql/partitionOwners.js';

/** One partition's checkpoint and owner. */
export interface PartitionStatus {
  partition: number;
  checkpoint: number;
  /** The lease owner running it now (`<host>:<pid>:<id>`), null while no process holds it. */
  owner: string | null;
  lag: number;
}

/** The partitions of consumer `name` with `count` partitions, against the log's `head`. */
export async function partitionStatus(store: EventStore, name: string, count: number, head: number): Promise<PartitionStatus[]> {
  const keys = partitionKeys(name, count);
  const [checkpoints, owners] = await Promise.all([
    existingCheckpoints(store, store.tables, keys),
    partitionOwners(store, store.tables, keys),
  ]);
  return keys.map((key, partition) => {
    const checkpoint = checkpoints.get(key) ?? 0;
    return { partition, checkpoint, owner: owners.get(key) ?? null, lag: Math.max(0, head - checkpoint) };
  });
}
