/**
 * Membership rows of the consumer fleet: each `serve` process keeps one lease per consumer it
 * runs, named `member:<consumer>/<member id>`, renewed in one statement. The live members of
 * a consumer are the owners of its unexpired rows; a process that dies stops renewing and
 * drops out once its rows expire (the database clock decides, as for every lease).
 */
import type { SqlExecutor, StoreTables } from '../../store/EventStore.js';

const PREFIX = 'member:';

/** Renews (or creates) the membership rows of `member` for `consumers`, valid `ttlMs` from now. */
export async function renewMembership(
  db: SqlExecutor,
  t: StoreTables,
  member: string,
  consumers: readonly string[],
  ttlMs: number,
): Promise<void> {
  if (consumers.length === 0) return;
  await db.query(
    `INSERT INTO ${t.leases} (name, owner, expires_at)
       SELECT $1 || c || '/' || $2, $2, now() + $4 * interval '1 millisecond' FROM unnest($3::text[]) AS c
     ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at`,
    [PREFIX, member, [...consumers], ttlMs],
  );
}

/** Ends the membership rows of `member` for `consumers` now (a clean stop: the others rebalance at once). */
export async function endMembership(db: SqlExecutor, t: StoreTables, member: string, consumers: readonly string[]): Promise<void> {
  if (consumers.length === 0) return;
  await db.query(
    `UPDATE ${t.leases} SET expires_at = '-infinity' WHERE name = ANY(SELECT $1 || c || '/' || $2 FROM unnest($3::text[]) AS c)`,
    [PREFIX, member, [...consumers]],
  );
}

/** The live members of each of `consumers` (member ids in sorted order). */
export async function liveMembers(db: SqlExecutor, t: StoreTables, consumers: readonly string[]): Promise<Map<string, string[]>> {
  const byConsumer = new Map<string, string[]>(consumers.map((c) => [c, []]));
  if (consumers.length === 0) return byConsumer;
  const { rows } = await db.query<{ consumer: string; member: string }>(
    `SELECT c AS consumer, l.owner AS member FROM unnest($2::text[]) AS c
       JOIN ${t.leases} l ON l.name = $1 || c || '/' || l.owner AND l.expires_at > now()
     ORDER BY c, l.owner COLLATE "C"`,
    [PREFIX, [...consumers]],
  );
  for (const r of rows) byConsumer.get(r.consumer)?.push(r.member);
  return byConsumer;
}
