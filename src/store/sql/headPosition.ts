/** The newest safely readable position (see readAll); 0 for an empty log. */
import type { SqlExecutor, StoreTables } from '../EventStore.js';
import { safeToRead } from '../safeToRead.js';

/** Reads the head of the log. */
export async function headPosition(db: SqlExecutor, t: StoreTables): Promise<number> {
  const { rows } = await db.query<{ position: number }>(
    `SELECT position FROM ${t.events} WHERE ${safeToRead()} ORDER BY position DESC LIMIT 1`,
  );
  return Number(rows[0]?.position ?? 0);
}
