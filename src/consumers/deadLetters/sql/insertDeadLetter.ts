/** Records a dead letter (again: a consumer that crashed before its checkpoint moved records the same event twice). */
import type { SqlExecutor, StoredEvent, StoreTables } from '../../../store/EventStore.js';
import { deadLetterTable, type DeadLetterStatus } from '../DeadLetter.js';

/** Inserts or refreshes the dead letter of `event` for `consumer`. */
export async function insertDeadLetter(
  db: SqlExecutor,
  t: StoreTables,
  consumer: string,
  event: StoredEvent,
  status: DeadLetterStatus,
  attempts: number,
  error: string,
): Promise<void> {
  await db.query(
    `INSERT INTO ${deadLetterTable(t)} AS d (consumer, status, position, event_id, event_type, stream_type, stream_id, attempts, error)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (consumer, position) DO UPDATE SET status = EXCLUDED.status, attempts = d.attempts + EXCLUDED.attempts, error = EXCLUDED.error, failed_at = now()`,
    [consumer, status, event.position, event.id, event.type, event.streamType, event.streamId, attempts, error],
  );
}

/** Records `events` as held back behind the parked event at `parkedAt` of their stream (already held ones stay as they are). */
export async function insertHeld(
  db: SqlExecutor,
  t: StoreTables,
  consumer: string,
  events: readonly StoredEvent[],
  parkedAt: (e: StoredEvent) => number,
): Promise<void> {
  for (const e of events) {
    await db.query(
      `INSERT INTO ${deadLetterTable(t)} (consumer, status, position, event_id, event_type, stream_type, stream_id, attempts, error)
       VALUES ($1, 'held', $2, $3, $4, $5, $6, 0, $7) ON CONFLICT (consumer, position) DO NOTHING`,
      [
        consumer,
        e.position,
        e.id,
        e.type,
        e.streamType,
        e.streamId,
        `held back behind the parked event at position ${parkedAt(e)} of its stream`,
      ],
    );
  }
}
