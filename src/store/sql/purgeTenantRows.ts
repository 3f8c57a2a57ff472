/**
 * Deletes every row of one tenant from the store's tenant tables (a conjoined store's purge of
 * a deleted tenant, see EventStore.purgeTenant), inside the caller's transaction, which holds
 * the append lock and runs as the system (row-level security lets it see every tenant).
 */
import type { SqlExecutor, StoreTables } from '../EventStore.js';
import { TENANT_TABLES } from '../migrations/schemaMigrations.js';

/** Deletes `tenant`'s rows of every tenant table in `tx`; resolves to the rows removed per table. */
export async function purgeTenantRows(tx: SqlExecutor, t: StoreTables, tenant: string): Promise<Record<string, number>> {
  const rows: Record<string, number> = {};
  for (const name of TENANT_TABLES) {
    const { rowCount } = await tx.query(`DELETE FROM ${t.table(name)} WHERE tenant_id = $1`, [tenant]);
    rows[name] = rowCount;
  }
  return rows;
}
