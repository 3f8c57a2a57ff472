/**
 * Lease moves of a change of a consumer's partition count (see PartitionLayout): the process
 * that changes it takes the old partitions' leases whoever holds them (their holders' next
 * commit fails its fence), retires them for good once the new partitions start, and revives
 * the leases of a layout that comes back. Every move raises the token, like any change of owner.
 */
import type { SqlExecutor, StoreTables } from '../../store/EventStore.js';

/** The owner of a retired lease: it never expires, so nobody takes it until it is revived. */
export const RETIRED = '$retired';

/** Gives leases `names` to `owner` for `ttlMs`, whoever holds them. */
export async function seizeLeases(db: SqlExecutor, t: StoreTables, names: readonly string[], owner: string, ttlMs: number): Promise<void> {
  await db.query(
    `INSERT INTO ${t.leases} AS l (name, owner, expires_at) SELECT n, $2, now() + $3 * interval '1 millisecond' FROM unnest($1::text[]) AS n
     ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at, token = l.token + 1`,
    [[...names], owner, ttlMs],
  );
}

/** Retires leases `names`: nobody holds them any more, nobody can take them. */
export async function retireLeases(tx: SqlExecutor, t: StoreTables, names: readonly string[]): Promise<void> {
  await tx.query(
    `INSERT INTO ${t.leases} AS l (name, owner, expires_at) SELECT n, $2, 'infinity' FROM unnest($1::text[]) AS n
     ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at, token = l.token + 1`,
    [[...names], RETIRED],
  );
}

/** Makes retired leases `names` free again (a layout used before comes back). */
export async function reviveLeases(tx: SqlExecutor, t: StoreTables, names: readonly string[]): Promise<void> {
  await tx.query(`UPDATE ${t.leases} SET expires_at = '-infinity' WHERE name = ANY($1::text[]) AND owner = $2`, [[...names], RETIRED]);
}

/** The checkpoints that exist among `names`, by name. */
export async function existingCheckpoints(db: SqlExecutor, t: StoreTables, names: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await db.query<{ name: string; position: string | number }>(
    `SELECT name, position FROM ${t.checkpoints} WHERE name = ANY($1::text[])`,
    [[...names]],
  );
  return new Map(rows.map((r) => [r.name, Number(r.position)]));
}
