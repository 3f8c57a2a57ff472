/**
 * The lock that orders the writers of one checkpoint: a consumer's commits and a rebuild's
 * swap. Each takes it, then re-reads the checkpoint, so a batch read before a swap is never
 * applied on top of the swapped-in tables. (The key is the one every tusk-es version used for
 * a projection's checkpoint, so processes of two versions still exclude each other.)
 */
import type { SqlExecutor, StoreTables } from '../../store/EventStore.js';

/** Waits for the lock of checkpoint `name`; it is released when `tx` ends. */
export async function lockCheckpoint(tx: SqlExecutor, t: StoreTables, name: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [checkpointLockKey(t, name)]);
}

/** The text whose hash names the advisory lock of checkpoint `name`. */
export function checkpointLockKey(t: StoreTables, name: string): string {
  return `tusk-es/projection/${t.checkpoints}/${name}`;
}
