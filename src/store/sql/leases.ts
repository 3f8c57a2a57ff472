/**
 * Leases: one process of a cluster runs each named worker. Expiry uses the database clock, so
 * processes with skewed clocks still agree on who holds a lease.
 */
import type { SqlExecutor, StoreTables } from '../EventStore.js';

/** Takes `name` for `owner` (or renews it); true when `owner` holds it afterwards. */
export async function acquireLease(db: SqlExecutor, t: StoreTables, name: string, owner: string, ttlMs: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO ${t.leases} AS l (name, owner, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
     ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
     WHERE l.owner = EXCLUDED.owner OR l.expires_at < now()
     RETURNING owner`,
    [name, owner, ttlMs],
  );
  return rowCount > 0;
}

/** Gives `name` up if `owner` holds it. */
export async function releaseLease(db: SqlExecutor, t: StoreTables, name: string, owner: string): Promise<void> {
  await db.query(`DELETE FROM ${t.leases} WHERE name = $1 AND owner = $2`, [name, owner]);
}
