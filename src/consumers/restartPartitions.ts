/**
 * The one place where a consumer's partitions all start again from one position, in the
 * caller's transaction: the end of a change of partition count (PartitionLayout), and a
 * rebuild's swap (the swapped-in tables are at the head). `fencePartitions` comes first: it
 * stops every writer of the consumer's checkpoints until the transaction ends (the layout's and
 * each partition's lock; a different layout in force has its leases retired, so none of its
 * commits can land afterwards); `restartPartitions` then sets them.
 */
import type { EventStore, SqlExecutor } from '../store/EventStore.js';
import { layoutKey, partitionKeys } from './partitionKeys.js';
import { retireLeases, reviveLeases } from './sql/layoutLeases.js';
import { lockCheckpoint } from './sql/lockCheckpoint.js';

/**
 * Inside `tx`: fences every writer of consumer `name`'s checkpoints until `tx` ends (see
 * above), for a restart with `count` partitions; resolves to the partition count in force.
 */
export async function fencePartitions(tx: SqlExecutor, store: EventStore, name: string, count: number): Promise<number> {
  const t = store.tables;
  await lockCheckpoint(tx, t, layoutKey(name));
  const current = (await store.loadCheckpoint(layoutKey(name), tx)) || 1;
  if (current !== count) await retireLeases(tx, t, partitionKeys(name, current));
  for (const key of partitionKeys(name, count)) await lockCheckpoint(tx, t, key);
  return current;
}

/**
 * Inside `tx`: holds every partition of consumer `name`, in the layout in force, until `tx`
 * ends (the layout's lock, then each partition's): no batch of any partition commits meanwhile,
 * and none read before `tx` can commit after it unless it re-checks what `tx` changed (a
 * hard delete's removal mark). Resolves to the partition count in force.
 */
export async function holdPartitions(tx: SqlExecutor, store: EventStore, name: string): Promise<number> {
  const t = store.tables;
  await lockCheckpoint(tx, t, layoutKey(name));
  const current = (await store.loadCheckpoint(layoutKey(name), tx)) || 1;
  for (const key of partitionKeys(name, current)) await lockCheckpoint(tx, t, key);
  return current;
}

/** Inside `tx`, after fencePartitions returned `current`: every partition of `count` starts at `position`. */
export async function restartPartitions(
  tx: SqlExecutor,
  store: EventStore,
  name: string,
  current: number,
  count: number,
  position: number,
): Promise<void> {
  const keys = partitionKeys(name, count);
  if (current !== count) await reviveLeases(tx, store.tables, keys);
  for (const key of keys) await store.saveCheckpoint(key, position, tx);
  if (current !== count || count > 1) await store.saveCheckpoint(layoutKey(name), count, tx);
}
