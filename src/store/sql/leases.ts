/**
 * Leases: one process of a cluster runs each named worker. Expiry uses the database clock, so
 * processes with skewed clocks still agree on who holds a lease. Every change of owner raises
 * the lease's token (a fencing token): a write made under a lease checks owner and token in
 * its own transaction (holdsLease), so a process that lost its lease while paused can no
 * longer write when it wakes up.
 */
import type { SqlExecutor, StoreTables } from '../EventStore.js';

/** Takes `name` for `owner` (or renews it); its token when `owner` holds it afterwards. */
export async function acquireLease(
  db: SqlExecutor,
  t: StoreTables,
  name: string,
  owner: string,
  ttlMs: number,
): Promise<number | undefined> {
  const { rows } = await db.query<{ token: number | string }>(
    `INSERT INTO ${t.leases} AS l (name, owner, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
     ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at,
       token = CASE WHEN l.owner = EXCLUDED.owner THEN l.token ELSE l.token + 1 END
     WHERE l.owner = EXCLUDED.owner OR l.expires_at < now()
     RETURNING token`,
    [name, owner, ttlMs],
  );
  return rows[0] === undefined ? undefined : Number(rows[0].token);
}

/** In `tx`: true when `owner` holds `name` with `token`, unexpired; locks the row until `tx` ends. */
export async function holdsLease(tx: SqlExecutor, t: StoreTables, name: string, owner: string, token: number): Promise<boolean> {
  const { rowCount } = await tx.query(
    `SELECT 1 FROM ${t.leases} WHERE name = $1 AND owner = $2 AND token = $3 AND expires_at > now() FOR SHARE`,
    [name, owner, token],
  );
  return rowCount > 0;
}

/** Gives `name` up if `owner` holds it: it expires now (the row stays, so tokens only grow). */
export async function releaseLease(db: SqlExecutor, t: StoreTables, name: string, owner: string): Promise<void> {
  await db.query(`UPDATE ${t.leases} SET expires_at = '-infinity' WHERE name = $1 AND owner = $2`, [name, owner]);
}
