/**
 * Reads of a read model (SPEC §9): a page of rows with column filters and an order, and one
 * row by key. Column names come from the request but only select among the table's own
 * columns (an unknown one is a 400); values are always bound, cast to the column's type.
 */
import { InvalidInputError, NotFoundError } from '../../errors.js';
import { baseType, columnClass } from '../../expr/index.js';
import type { SqlExecutor } from '../../store/EventStore.js';
import { sqlState } from '../../store/SqlClient.js';
import { qualify, quoteIdent } from '../../store/quoteIdent.js';
import type { CompiledProjection } from '../compile/compileProjection.js';
import { columnOf, type ColumnSpec } from '../tables/TableSpec.js';
import { rowObject, rowSql } from './rowSql.js';

const MAX_ORDER = 5;

/** A page request. */
export interface RowQuery {
  /** Column → accepted values (a row matches one of them). */
  filters: ReadonlyMap<string, readonly string[]>;
  /** Columns to sort by, `-` first for descending. */
  order: readonly string[];
  limit: number;
  offset: number;
}

/** A page of rows. */
export async function queryRows(
  db: SqlExecutor,
  schema: string,
  projection: CompiledProjection,
  query: RowQuery,
): Promise<Record<string, unknown>[]> {
  const main = projection.tables.main;
  const params: unknown[] = [];
  const where: string[] = [];
  // Every distinct statement text becomes a prepared statement on each connection: filters go in
  // table order and orders are bounded, so requests cannot mint texts without end.
  const filters = [...query.filters].map(([name, values]) => [knownColumn(projection, name, 'filter'), values] as const);
  filters.sort(([a], [b]) => main.columns.indexOf(a) - main.columns.indexOf(b));
  for (const [column, values] of filters) {
    params.push([...values]);
    where.push(`${matchable(column)} = ANY($${params.length}::${matchType(column)}[])`);
  }
  if (query.order.length > MAX_ORDER) throw new InvalidInputError(`order takes at most ${MAX_ORDER} columns`, undefined, 'BAD_REQUEST');
  const ordered = new Set<string>();
  const order = query.order.map((spec) => {
    const desc = spec.startsWith('-');
    const column = knownColumn(projection, desc ? spec.slice(1) : spec, 'order');
    if (ordered.has(column.name)) throw new InvalidInputError(`order names ${JSON.stringify(column.name)} twice`, undefined, 'BAD_REQUEST');
    ordered.add(column.name);
    return `_tusk_r.${quoteIdent(column.name)} ${desc ? 'DESC' : 'ASC'} NULLS LAST`;
  });
  order.push(`_tusk_r.${quoteIdent(main.key)} ASC`);
  params.push(query.limit, query.offset);
  const sql = `SELECT ${rowSql(schema, projection)} AS r FROM ${qualify(schema, main.name)} AS _tusk_r${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order.join(', ')} LIMIT $${params.length - 1} OFFSET $${params.length}`;
  const { rows } = await badValuesAre400(() => db.query<{ r: unknown[] }>(sql, params));
  return rows.map((row) => rowObject(projection, row.r));
}

/** The row whose key is `key`; 404 ROW_NOT_FOUND when there is none. */
export async function queryRow(
  db: SqlExecutor,
  schema: string,
  projection: CompiledProjection,
  key: string,
): Promise<Record<string, unknown>> {
  const main = projection.tables.main;
  const keyColumn = columnOf(main, main.key)!;
  const sql = `SELECT ${rowSql(schema, projection)} AS r FROM ${qualify(schema, main.name)} AS _tusk_r WHERE ${matchable(keyColumn)} = $1::${matchType(keyColumn)}`;
  let rows: { r: unknown[] }[] = [];
  try {
    rows = (await db.query<{ r: unknown[] }>(sql, [key])).rows;
  } catch (err) {
    // a key that is not a value of the key column's type (`abc` for an integer key) names no row
    if (!isBadValue(err)) throw err;
  }
  if (rows[0] === undefined)
    throw new NotFoundError('ROW_NOT_FOUND', `projection ${projection.name} has no row with ${main.key} ${JSON.stringify(key)}`, {
      projection: projection.name,
      key,
    });
  return rowObject(projection, rows[0].r);
}

function knownColumn(projection: CompiledProjection, name: string, what: 'filter' | 'order'): ColumnSpec {
  const column = columnOf(projection.tables.main, name);
  if (column !== undefined) return column;
  const names = projection.tables.main.columns.map((c) => c.name).join(', ');
  const hint = what === 'filter' ? ' (query parameters other than limit, offset and order filter by a column)' : '';
  throw new InvalidInputError(
    `unknown column ${JSON.stringify(name)} to ${what} by in projection ${projection.name}; its columns are ${names}${hint}`,
    { column: name, columns: projection.tables.main.columns.map((c) => c.name) },
    'BAD_REQUEST',
  );
}

/** The column as compared with a filter value: jsonb and json columns by their text. */
function matchable(column: ColumnSpec): string {
  const ref = `_tusk_r.${quoteIdent(column.name)}`;
  const cls = columnClass(column.type);
  return cls === 'jsonb' ? `(${ref} #>> '{}')` : cls === 'json' ? `(${ref}::jsonb #>> '{}')` : ref;
}

function matchType(column: ColumnSpec): string {
  const cls = columnClass(column.type);
  return cls === 'jsonb' || cls === 'json' ? 'text' : baseType(column.type);
}

// invalid text representation, datetime format/overflow, numeric out of range
const BAD_VALUE = new Set(['22P02', '22007', '22008', '22003', '22001']);

function isBadValue(err: unknown): boolean {
  const state = sqlState(err) ?? sqlState((err as { cause?: unknown } | null)?.cause);
  return state !== undefined && BAD_VALUE.has(state);
}

async function badValuesAre400<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!isBadValue(err)) throw err;
    throw new InvalidInputError(
      `a filter value does not fit its column: ${err instanceof Error ? err.message : String(err)}`,
      undefined,
      'BAD_REQUEST',
    );
  }
}
