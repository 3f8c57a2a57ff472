/**
 * A rebuild reads the log in position order, batch after batch; the planner takes the index
 * that does that only when it knows how many events there are. A log written since its last
 * ANALYZE (a fresh import, a test, a benchmark) would instead be read in full for every batch.
 */
import type { SqlExecutor, StoreTables } from '../../store/EventStore.js';

/** Runs ANALYZE on the events table when its statistics know of fewer than half of `events`. */
export async function refreshStatistics(db: SqlExecutor, t: StoreTables, events: number): Promise<void> {
  const { rows } = await db.query<{ rows: number | null }>(`SELECT reltuples::float8 AS rows FROM pg_class WHERE oid = to_regclass($1)`, [
    t.events,
  ]);
  const known = rows[0]?.rows ?? -1;
  if (known < events / 2) await db.query(`ANALYZE ${t.events}`);
}
