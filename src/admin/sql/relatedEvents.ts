/** Events related to an id: the event itself, and every event that names it as correlation or causation. */
import type { SqlExecutor, StoreTables, StoredEvent } from '../../store/EventStore.js';

/**
 * Up to `limit` events, by position, whose id, correlation id or causation id is `id`. There is
 * no index on metadata, so this scans the log: an operator's lookup, not a hot path.
 */
export async function relatedEvents(db: SqlExecutor, t: StoreTables, id: string, limit: number): Promise<StoredEvent[]> {
  const { rows } = await db.query<{
    position: number | string;
    id: string;
    stream_type: string;
    stream_id: string;
    version: number;
    type: string;
    event_version: number;
    data: unknown;
    metadata: Record<string, unknown>;
    created_at: Date | string;
  }>(
    `SELECT position, id, stream_type, stream_id, version, type, event_version, data, metadata, created_at
       FROM ${t.events}
      WHERE id::text = $1 OR metadata->>'correlation_id' = $1 OR metadata->>'causation_id' = $1
      ORDER BY position
      LIMIT $2`,
    [id, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    streamType: r.stream_type,
    streamId: r.stream_id,
    version: r.version,
    position: Number(r.position),
    eventVersion: r.event_version,
    data: r.data,
    metadata: r.metadata,
    timestamp: new Date(r.created_at),
  }));
}
