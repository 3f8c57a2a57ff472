/**
 * Creates a projection's tables when they do not exist and adds the columns the config gained
 * since (columns are never dropped or retyped: a rebuild recreates the table from the config).
 * Several processes may start at once, so the work runs under an advisory lock.
 */
import type { SqlExecutor } from '../../store/EventStore.js';
import { qualify } from '../../store/quoteIdent.js';
import type { CompiledProjection } from '../compile/compileProjection.js';
import { parseColumnType } from '../tables/columnType.js';
import { addColumnSql, createTableSql } from '../tables/tableDdl.js';
import type { TableSpec } from '../tables/TableSpec.js';

/** Something about an existing table that differs from the config (logged as a warning). */
export interface TableMismatch {
  table: string;
  column: string;
  actual: string;
  configured: string;
}

/** Runs in `tx`: creates or completes every table of `projection` in `schema`. */
export async function ensureTables(tx: SqlExecutor, schema: string, projection: CompiledProjection): Promise<TableMismatch[]> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`tusk-es/projection-ddl/${schema}`]);
  const mismatches: TableMismatch[] = [];
  for (const spec of projection.targets) mismatches.push(...(await ensureTable(tx, schema, spec)));
  return mismatches;
}

async function ensureTable(tx: SqlExecutor, schema: string, spec: TableSpec): Promise<TableMismatch[]> {
  const existing = await existingColumns(tx, qualify(schema, spec.name));
  for (const statement of createTableSql(spec, schema, spec.name, { ifNotExists: true })) await tx.query(statement);
  if (existing === undefined) return [];
  const mismatches: TableMismatch[] = [];
  for (const column of spec.columns) {
    const actual = existing.get(column.name);
    if (actual === undefined) {
      await tx.query(addColumnSql(schema, spec.name, column));
      continue;
    }
    const parsed = parseColumnType(actual);
    const actualType = typeof parsed === 'string' ? actual : parsed.type;
    if (actualType !== column.type) mismatches.push({ table: spec.name, column: column.name, actual, configured: column.type });
  }
  return mismatches;
}

/** Column → type of an existing table (undefined when there is no such table). */
export async function existingColumns(db: SqlExecutor, qualified: string): Promise<Map<string, string> | undefined> {
  const { rows } = await db.query<{ name: string; type: string | null }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
     FROM (SELECT to_regclass($1) AS oid) AS r
     LEFT JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped`,
    [qualified],
  );
  if (rows.length === 1 && rows[0]!.name === null) return undefined;
  return new Map(rows.map((r) => [r.name, r.type ?? '']));
}
