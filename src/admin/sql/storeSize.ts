/** How big the store is, for the admin overview. */
import type { SqlExecutor, StoreTables } from '../../store/EventStore.js';

/** Sizes in bytes and the newest position. */
export interface StoreSize {
  database_bytes: number;
  events_bytes: number;
  /** The newest position written (the count of events, give or take rolled-back gaps). */
  last_position: number;
}

/** The database's and the events table's size on disk, and the newest position. */
export async function storeSize(db: SqlExecutor, t: StoreTables): Promise<StoreSize> {
  const { rows } = await db.query<{
    database_bytes: number | string;
    events_bytes: number | string;
    last_position: number | string | null;
  }>(
    `SELECT pg_database_size(current_database()) AS database_bytes,
            pg_total_relation_size($1::regclass) AS events_bytes,
            (SELECT max(position) FROM ${t.events}) AS last_position`,
    [t.events],
  );
  const r = rows[0]!;
  return { database_bytes: Number(r.database_bytes), events_bytes: Number(r.events_bytes), last_position: Number(r.last_position ?? 0) };
}
