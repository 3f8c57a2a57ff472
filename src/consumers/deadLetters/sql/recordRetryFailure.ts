/** A retry from the API failed: one more attempt, the newest error. */
import type { SqlExecutor, StoreTables } from '../../../store/EventStore.js';
import { deadLetterTable } from '../DeadLetter.js';

/** Updates dead letter `id` after a failed retry. */
export async function recordRetryFailure(db: SqlExecutor, t: StoreTables, id: number, error: string): Promise<void> {
  await db.query(`UPDATE ${deadLetterTable(t)} SET attempts = attempts + 1, error = $2, failed_at = now() WHERE id = $1`, [id, error]);
}
