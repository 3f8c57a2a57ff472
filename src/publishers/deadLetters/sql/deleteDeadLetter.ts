/** Removes a dead letter once its event was delivered. */
import type { SqlExecutor, StoreTables } from '../../../store/EventStore.js';
import { deadLetterTable } from '../DeadLetter.js';

/** Deletes dead letter `id`; true when it existed. */
export async function deleteDeadLetter(db: SqlExecutor, t: StoreTables, id: number): Promise<boolean> {
  const { rowCount } = await db.query(`DELETE FROM ${deadLetterTable(t)} WHERE id = $1`, [id]);
  return rowCount > 0;
}
