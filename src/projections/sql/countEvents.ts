/** How many events of some types the log holds up to a position (a rebuild's total, for its progress). */
import type { SqlExecutor, StoreTables } from '../../store/EventStore.js';

/** The number of events of `types` at or below `upTo`. */
export async function countEvents(db: SqlExecutor, t: StoreTables, types: readonly string[], upTo: number): Promise<number> {
  const { rows } = await db.query<{ n: number | string }>(
    `SELECT count(*) AS n FROM ${t.events} WHERE type = ANY($1::text[]) AND position <= $2`,
    [[...types], upTo],
  );
  return Number(rows[0]?.n ?? 0);
}
