/**
 * Reads of the log inside a transaction that holds the append lock (or runs alone, on the
 * embedded store): no append is in flight then, so every committed event is visible and none
 * can commit later below the ones read. `readAll` cannot run in a caller's transaction, and
 * outside one it stops below in-flight appends (safeToRead); these are its locked twins.
 */
import type { ReadAllOptions, SqlExecutor, StoreTables, StoredEvent } from '../EventStore.js';
import { LOG_COLUMNS, toStoredEvent, type EventRow } from '../eventRow.js';
import { logFilter } from './readAll.js';

/** Up to `options.limit` events (of `options.types`, of `options.partition`) with a position above `options.after`, in order. */
export async function readLocked(tx: SqlExecutor, t: StoreTables, options: ReadAllOptions): Promise<StoredEvent[]> {
  const { sql, params } = logFilter(options);
  const { rows } = await tx.query<EventRow>(`SELECT ${LOG_COLUMNS} FROM ${t.events} WHERE ${sql} ORDER BY position LIMIT $2`, params);
  return rows.map(toStoredEvent);
}

/** The newest position of the log, read under the append lock (0 when empty). */
export async function lockedHead(tx: SqlExecutor, t: StoreTables): Promise<number> {
  const { rows } = await tx.query<{ position: number | string | null }>(`SELECT max(position) AS position FROM ${t.events}`);
  return Number(rows[0]?.position ?? 0);
}
