/** Events related to an id: the event itself, and every event that names it as correlation or causation. */
import type { SqlExecutor, StoreTables, StoredEvent } from '../../store/EventStore.js';
import { EVENT_COLUMNS, toStoredEvent, type EventRow } from '../../store/eventRow.js';

/**
 * Up to `limit` events, by position, whose id, correlation id or causation id is `id`. There is
 * no index on metadata, so this scans the log: an operator's lookup, not a hot path.
 */
export async function relatedEvents(db: SqlExecutor, t: StoreTables, id: string, limit: number): Promise<StoredEvent[]> {
  const { rows } = await db.query<EventRow>(
    `SELECT ${EVENT_COLUMNS}
       FROM ${t.events}
      WHERE id::text = $1 OR metadata->>'correlation_id' = $1 OR metadata->>'causation_id' = $1
      ORDER BY position
      LIMIT $2`,
    [id, limit],
  );
  return rows.map(toStoredEvent);
}
