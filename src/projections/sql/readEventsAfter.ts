/**
 * Reads events after a position inside a transaction that holds the store's append lock (or
 * runs alone, on the embedded store): no append is in flight then, so every committed event is
 * visible and none can commit later below the ones read. `store.readAll` cannot run in a
 * caller's transaction, and outside one it stops below in-flight appends; this is its locked twin.
 */
import type { SqlExecutor, StoreTables, StoredEvent } from '../../store/EventStore.js';
import { EVENT_COLUMNS, toStoredEvent, type EventRow } from '../../store/sql/eventRow.js';

/** Up to `limit` events of `types` with a position above `after`, in order. */
export async function readEventsAfter(tx: SqlExecutor, t: StoreTables, after: number, types: readonly string[], limit: number): Promise<StoredEvent[]> {
  const { rows } = await tx.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM ${t.events} WHERE position > $1 AND type = ANY($2::text[]) ORDER BY position LIMIT $3`, [after, [...types], limit]);
  return rows.map(toStoredEvent);
}

/** The newest position of the log, read under the append lock (0 when empty). */
export async function lockedHead(tx: SqlExecutor, t: StoreTables): Promise<number> {
  const { rows } = await tx.query<{ position: number | string | null }>(`SELECT max(position) AS position FROM ${t.events}`);
  return Number(rows[0]?.position ?? 0);
}

