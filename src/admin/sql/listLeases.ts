/** The leases held now: which process runs which background worker (the admin overview's fleet). */
import type { SqlExecutor, StoreTables } from '../../store/EventStore.js';

/** One held lease. */
export interface LeaseRow {
  name: string;
  owner: string;
  expires_at: string;
}

/** Every lease that has not expired, by name. */
export async function listLeases(db: SqlExecutor, t: StoreTables): Promise<LeaseRow[]> {
  const { rows } = await db.query<{ name: string; owner: string; expires_at: Date | string }>(
    `SELECT name, owner, expires_at FROM ${t.leases} WHERE expires_at > now() AND expires_at < 'infinity' ORDER BY name`,
  );
  return rows.map((r) => ({ name: r.name, owner: r.owner, expires_at: new Date(r.expires_at).toISOString() }));
}
