/**
 * Row-level security of a conjoined store (issue 20): on every table whose rows belong to a
 * tenant, a policy lets a transaction see and write the rows of its `tusk.tenant` only (the
 * system's `*` sees every tenant: consumers that follow the whole log). FORCE, because the app
 * role owns the tables and an owner is otherwise exempt. A setting that was never made is NULL
 * and matches no row: a statement outside the store's scoped client sees nothing.
 */
import { TuskError } from '../errors.js';
import type { SqlExecutor, StoreTables } from './EventStore.js';
import { TENANT_TABLES } from './migrations/schemaMigrations.js';
import type { SqlClient } from './SqlClient.js';

export const TENANT_POLICY = 'tusk_tenant';
const CONDITION = `current_setting('tusk.tenant', true) IN (tenant_id, '*')`;

/** The row-security statements of one table (quoted, qualified `table`). */
export function rowSecuritySql(table: string): string[] {
  return [
    `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`,
    `DROP POLICY IF EXISTS ${TENANT_POLICY} ON ${table}`,
    `CREATE POLICY ${TENANT_POLICY} ON ${table} USING (${CONDITION}) WITH CHECK (${CONDITION})`,
  ];
}

/** Enforces row-level security on `tables` (quoted, qualified) that lack it, inside `tx`. */
export async function secureTables(tx: SqlExecutor, tables: readonly string[]): Promise<void> {
  const { rows } = await tx.query<{ name: string }>(
    `SELECT t.name FROM unnest($1::text[]) AS t(name)
      WHERE NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_policy p ON p.polrelid = c.oid AND p.polname = $2
                         WHERE c.oid = to_regclass(t.name) AND c.relrowsecurity AND c.relforcerowsecurity)`,
    [tables, TENANT_POLICY],
  );
  for (const { name } of rows) for (const statement of rowSecuritySql(name)) await tx.query(statement);
}

/** The store's tenant tables, quoted and qualified. */
export function tenantTables(t: StoreTables): string[] {
  return TENANT_TABLES.map((name) => t.table(name));
}

/**
 * At start: a conjoined store enforces row-level security on its tables; a single-tenant one
 * refuses a store that was conjoined (every row would be hidden from it, every write refused).
 */
export async function settleRowSecurity(client: SqlClient, t: StoreTables, conjoined: boolean): Promise<void> {
  if (conjoined) {
    await client.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`tusk-es/migrate/${t.table('schema_migrations')}`]);
      await secureTables(tx, tenantTables(t));
    });
    return;
  }
  const { rows } = await client.query<{ secured: boolean }>(
    `SELECT relforcerowsecurity AS secured FROM pg_class WHERE oid = to_regclass($1)`,
    [t.events],
  );
  if (rows[0]?.secured === true)
    throw new TuskError(
      'CONFIG_INVALID',
      'the store was run with event_store.tenancy = { mode = "conjoined" } (its tables have row-level security): set it again, or a single-tenant server would see no row',
    );
}
