/** Records a dead letter (again: a relay that crashed before its checkpoint moved dead-letters the same event twice). */
import type { SqlExecutor, StoredEvent, StoreTables } from '../../../store/EventStore.js';
import { deadLetterTable } from '../DeadLetter.js';

/** Inserts or refreshes the dead letter of `event` for `relay`. */
export async function insertDeadLetter(db: SqlExecutor, t: StoreTables, relay: string, event: StoredEvent, attempts: number, error: string): Promise<void> {
  await db.query(
    `INSERT INTO ${deadLetterTable(t)} AS d (relay, position, event_id, event_type, stream_type, stream_id, attempts, error)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (relay, position) DO UPDATE SET attempts = d.attempts + EXCLUDED.attempts, error = EXCLUDED.error, failed_at = now()`,
    [relay, event.position, event.id, event.type, event.streamType, event.streamId, attempts, error],
  );
}
