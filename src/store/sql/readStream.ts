/** Reads one stream in version order, optionally a version range or up to a point in time. */
import type { ReadStreamOptions, SqlExecutor, StoreTables, StoredEvent } from '../EventStore.js';
import { EVENT_COLUMNS, toStoredEvent, type EventRow } from './eventRow.js';

const MAX_INT = 2_147_483_647;

/** The events of (`streamType`, `streamId`) matching `options`. */
export async function readStream(db: SqlExecutor, t: StoreTables, streamType: string, streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
  // One statement text for every option combination, so it is prepared once.
  const { rows } = await db.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM ${t.events}
     WHERE stream_type = $1 AND stream_id = $2 AND version >= $3 AND version <= $4 AND created_at <= $5::timestamptz
     ORDER BY version LIMIT $6`,
    [
      streamType,
      streamId,
      options.fromVersion ?? 1,
      Math.min(options.toVersion ?? MAX_INT, MAX_INT),
      options.untilTime?.toISOString() ?? 'infinity',
      options.limit ?? null,
    ],
  );
  return rows.map(toStoredEvent);
}
