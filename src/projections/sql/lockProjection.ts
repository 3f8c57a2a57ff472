/**
 * The lock that orders the writers of one projection's checkpoint: the async worker's batch
 * transactions and a rebuild's swap. Each takes it, then re-reads the checkpoint, so a batch
 * read before a swap is never applied on top of the swapped-in table.
 */
import type { SqlExecutor, StoreTables } from '../../store/EventStore.js';

/** Waits for the lock of projection checkpoint `checkpoint`; it is released when `tx` ends. */
export async function lockProjection(tx: SqlExecutor, t: StoreTables, checkpoint: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`tusk-es/projection/${t.checkpoints}/${checkpoint}`]);
}
