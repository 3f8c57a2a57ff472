/** The saga instances the scheduler should look at now: a step or retry is due, or the deadline passed. */
import type { SqlExecutor, StoreTables } from '../../store/EventStore.js';
import { sagaIndexTable } from './writeSagaIndex.js';

/** Ids of instances due at `now`, most overdue first. */
export async function dueSagas(db: SqlExecutor, t: StoreTables, now: Date, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM ${sagaIndexTable(t)}
     WHERE next_due_at <= $1 OR (status = 'running' AND deadline <= $1)
     ORDER BY LEAST(next_due_at, CASE WHEN status = 'running' THEN deadline END)
     LIMIT $2`,
    [now.toISOString(), limit],
  );
  return rows.map((r) => r.id);
}
