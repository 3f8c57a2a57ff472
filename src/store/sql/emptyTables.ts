/** Empties every table of a schema but the schema-migration record (scratch stores, scenario tests). */
import type { SqlExecutor, StoreTables } from '../EventStore.js';
import { qualify } from '../quoteIdent.js';

/**
 * Deletes every row of every table of `tables.schema` (the store's and the read models')
 * except `schema_migrations`, in one round trip. DELETE, not TRUNCATE: the tables hold a few
 * rows, and TRUNCATE's new files cost PGlite ten times more. Sequences go on counting.
 */
export async function emptyTables(db: SqlExecutor, tables: StoreTables): Promise<void> {
  const { rows } = await db.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = $1`, [tables.schema]);
  const keep = tables.table('schema_migrations');
  const names = rows.map((r) => qualify(tables.schema, r.name)).filter((t) => t !== keep);
  // identifiers are quoted by qualify; no value from outside reaches this text
  if (names.length > 0) await db.query(`DO $tusk$ BEGIN ${names.map((t) => `DELETE FROM ${t};`).join(' ')} END $tusk$`);
}
