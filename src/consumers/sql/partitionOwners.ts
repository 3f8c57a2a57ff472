/** Who holds the leases of a consumer's partitions now (status pages). */
import type { SqlExecutor, StoreTables } from '../../store/EventStore.js';

/** The owner of each held (unexpired, not retired) lease among `names`, by name. */
export async function partitionOwners(db: SqlExecutor, t: StoreTables, names: readonly string[]): Promise<Map<string, string>> {
  const { rows } = await db.query<{ name: string; owner: string }>(
    `SELECT name, owner FROM ${t.leases} WHERE name = ANY($1::text[]) AND expires_at > now() AND expires_at < 'infinity'`,
    [[...names]],
  );
  return new Map(rows.map((r) => [r.name, r.owner]));
}
