/**
 * The log epoch: a sequence bumped by every transaction that moves or removes events (archival
 * to the archived partition or to files, hard deletes, truncations), under the append lock.
 *
 * Why: a process writes a stream it has appended to before without checking its version in SQL
 * (StreamVersions); a stale version is then refused by the events' unique (stream, version)
 * index, because the event another process wrote since is where the write goes. That holds
 * only while no event has left that index's reach: archival moves a stream's events into the
 * archived partition (whose index is another one) or into files, a removal deletes them. So
 * the one-statement append (appendAtOnce) reads the epoch once it holds the append lock, and
 * writes nothing when it differs from the epoch its remembered versions were learnt under;
 * the writer then forgets them. A sequence is read outside MVCC, so the statement sees a bump
 * committed after its snapshot was taken (while it waited for the lock), and one cheap read
 * serves the whole batch, whatever its streams.
 */
import type { SqlExecutor, StoreTables } from '../EventStore.js';

/** The epoch sequence of `t` (quoted, qualified). */
export function logEpochSequence(t: StoreTables): string {
  return t.table('log_epoch');
}

/** Inside a transaction that holds the append lock and moved or removed events: bumps the epoch. */
export async function bumpLogEpoch(tx: SqlExecutor, t: StoreTables): Promise<void> {
  await tx.query(`SELECT nextval($1::regclass)`, [logEpochSequence(t)]);
}
