/**
 * Creates and upgrades the store schema. Safe when several processes start at once: the
 * migrations run in one transaction under an advisory lock, and each applied version is
 * recorded, so a second process finds the work done.
 */
import type { StoreTables } from '../EventStore.js';
import type { SqlClient } from '../SqlClient.js';
import { applyLayout, readLayout } from '../layout/eventsTable.js';
import { sameLayout, type EventsLayout } from '../layout/EventsLayout.js';
import { quoteIdent } from '../quoteIdent.js';
import { SCHEMA_MIGRATIONS, type SchemaMigration } from './schemaMigrations.js';

/**
 * Applies every migration of `migrations` not yet recorded, then moves the events table into
 * `layout` when given (see applyLayout); returns the versions applied.
 */
export async function runMigrations(
  client: SqlClient,
  tables: StoreTables,
  migrations: readonly SchemaMigration[] = SCHEMA_MIGRATIONS,
  layout?: EventsLayout,
): Promise<number[]> {
  const record = tables.table('schema_migrations');
  if (await upToDate(client, tables, migrations, layout)) return [];
  return client.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`tusk-es/migrate/${record}`]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(tables.schema)}`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${record} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set((await tx.query<{ version: number }>(`SELECT version FROM ${record}`)).rows.map((r) => r.version));
    const applied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      for (const statement of migration.statements(tables)) await tx.query(statement);
      await tx.query(`INSERT INTO ${record} (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
      applied.push(migration.version);
    }
    if (layout !== undefined) await applyLayout(tx, tables, layout);
    return applied;
  });
}

/**
 * True when every migration is recorded and the events table is in `layout` already, read
 * without the lock and the DDL of the migration transaction: a warm start of the embedded store
 * paid for their first plans in WebAssembly (issue 21, warm_start). Time partitions are made
 * as time passes, so a time layout always takes the transaction.
 */
async function upToDate(
  client: SqlClient,
  tables: StoreTables,
  migrations: readonly SchemaMigration[],
  layout: EventsLayout | undefined,
): Promise<boolean> {
  const record = tables.table('schema_migrations');
  const { rows } = await client.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [record]);
  if (rows[0]?.present !== true) return false;
  const done = new Set((await client.query<{ version: number }>(`SELECT version FROM ${record}`)).rows.map((r) => r.version));
  if (!migrations.every((m) => done.has(m.version))) return false;
  if (layout === undefined) return true;
  return layout.by !== 'time' && sameLayout(await readLayout(client, tables), layout);
}
