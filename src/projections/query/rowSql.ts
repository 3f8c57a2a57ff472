/**
 * A read-model row as one jsonb array (its columns in order, then one array of child rows per
 * join), so that values reach JSON as a user expects — numeric as numbers, timestamps as
 * ISO-8601 UTC text like the events' own — and every query has one result column of one type
 * whatever the table holds (prepared statements survive added columns and rebuilds).
 */
import { columnClass } from '../../expr/index.js';
import { qualify, quoteIdent } from '../../store/quoteIdent.js';
import type { CompiledProjection } from '../compile/compileProjection.js';
import type { TableSpec } from '../tables/TableSpec.js';

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
// jsonb_build_array takes at most 100 arguments
const CHUNK = 90;

/** The jsonb array of the main row aliased `_tusk_r`, with its joins' rows nested. */
export function rowSql(schema: string, projection: CompiledProjection): string {
  const main = projection.tables.main;
  const children = projection.tables.joins.map(({ table }) => {
    const child = `${qualify(schema, table.name)} AS _tusk_c`;
    return `(SELECT COALESCE(jsonb_agg(${valuesSql(table, '_tusk_c')} ORDER BY _tusk_c.${quoteIdent(table.key)}), '[]'::jsonb) FROM ${child} WHERE _tusk_c.${quoteIdent(table.foreignKey!)} = _tusk_r.${quoteIdent(main.key)})`;
  });
  return concatArrays([...main.columns.map((c) => valueSql(`_tusk_r.${quoteIdent(c.name)}`, c.type)), ...children]);
}

/** Turns a row array of rowSql back into an object. */
export function rowObject(projection: CompiledProjection, values: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const main = projection.tables.main.columns;
  main.forEach((c, i) => (out[c.name] = values[i] ?? null));
  projection.tables.joins.forEach((join, j) => {
    const rows = (values[main.length + j] ?? []) as unknown[][];
    out[join.name] = rows.map((row) => Object.fromEntries(join.table.columns.map((c, i) => [c.name, row[i] ?? null])));
  });
  return out;
}

function valuesSql(table: TableSpec, alias: string): string {
  return concatArrays(table.columns.map((c) => valueSql(`${alias}.${quoteIdent(c.name)}`, c.type)));
}

function valueSql(ref: string, type: string): string {
  switch (columnClass(type)) {
    case 'timestamptz':
      return `to_jsonb(to_char(${ref} AT TIME ZONE 'UTC', ${ISO}))`;
    case 'timestamp':
      return `to_jsonb(to_char(${ref}, ${ISO}))`;
    case 'date':
      return `to_jsonb(to_char(${ref}, 'YYYY-MM-DD'))`;
    default:
      return `to_jsonb(${ref})`;
  }
}

function concatArrays(items: readonly string[]): string {
  if (items.length === 0) return `'[]'::jsonb`;
  const chunks: string[] = [];
  for (let i = 0; i < items.length; i += CHUNK) chunks.push(`jsonb_build_array(${items.slice(i, i + CHUNK).join(', ')})`);
  return chunks.join(' || ');
}
