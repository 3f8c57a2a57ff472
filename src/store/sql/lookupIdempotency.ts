/** The first accepted append of an Idempotency-Key, with its events. */
import type { IdempotencyRecord, SqlExecutor, StoreTables } from '../EventStore.js';
import { EVENT_COLUMNS, toStoredEvent, type EventRow } from '../eventRow.js';

/** Reads the record of `key` and the events it appended. */
export async function lookupIdempotency(db: SqlExecutor, t: StoreTables, key: string): Promise<IdempotencyRecord | undefined> {
  const found = await db.query<{ fingerprint: string; stream_type: string; stream_id: string; positions: number[] }>(
    `SELECT fingerprint, stream_type, stream_id, positions FROM ${t.idempotency} WHERE key = $1`,
    [key],
  );
  const record = found.rows[0];
  if (record === undefined) return undefined;
  const { rows } = await db.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM ${t.events} WHERE position = ANY($1::bigint[]) ORDER BY position`,
    [record.positions.map(Number)],
  );
  return { fingerprint: record.fingerprint, streamType: record.stream_type, streamId: record.stream_id, events: rows.map(toStoredEvent) };
}
