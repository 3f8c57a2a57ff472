/**
 * A piece of SQL with the kind of value it yields. Root values are bound per call, so their
 * kinds are known when the SQL is built; only jsonb read from a column (or mixed COALESCE
 * results) is dynamic ('json'), and is narrowed with a jsonpath type filter that references
 * it once. A jsonb JSON null never reaches here: it is NULLIF'd to SQL NULL where it is read.
 */

/** float8/text/boolean: that SQL type; array/object: jsonb of that kind; json: jsonb of any kind; null: always NULL. */
export type FragType = 'float8' | 'text' | 'boolean' | 'array' | 'object' | 'json' | 'null';

export interface Frag {
  sql: string;
  type: FragType;
  /** A placeholder, column or constant: cheap to repeat, so it is never bound to a subquery. */
  atomic: boolean;
}

export const NULL_FRAG: Frag = { sql: 'NULL', type: 'null', atomic: true };

/** The SQL type of each kind (NULL has none of its own). */
export const SQL_TYPE: Record<Exclude<FragType, 'null'>, 'float8' | 'text' | 'boolean' | 'jsonb'> = {
  float8: 'float8',
  text: 'text',
  boolean: 'boolean',
  array: 'jsonb',
  object: 'jsonb',
  json: 'jsonb',
};

/** A fragment; `atomic` when its SQL may be repeated freely. */
export function frag(sql: string, type: FragType, atomic = false): Frag {
  return { sql, type, atomic };
}

const filter = (sql: string, kind: string) => `jsonb_path_query_first(${sql}, 'strict $ ? (@.type() == "${kind}")')`;

/** As float8: NULL unless it is a number. */
export function asNum(f: Frag): string {
  if (f.type === 'float8') return f.sql;
  return f.type === 'json' ? `(${filter(f.sql, 'number')})::float8` : 'NULL::float8';
}

/** As text: NULL unless it is a text. */
export function asText(f: Frag): string {
  if (f.type === 'text') return f.sql;
  return f.type === 'json' ? `(${filter(f.sql, 'string')} #>> '{}')` : 'NULL::text';
}

/** As boolean: NULL unless it is a boolean. */
export function asBool(f: Frag): string {
  if (f.type === 'boolean') return f.sql;
  return f.type === 'json' ? `(${filter(f.sql, 'boolean')})::boolean` : 'NULL::boolean';
}

/** As a jsonb array: NULL unless it is an array. */
export function asArray(f: Frag): string {
  if (f.type === 'array') return f.sql;
  return f.type === 'json' ? filter(f.sql, 'array') : 'NULL::jsonb';
}

/** As jsonb (any kind); NULL stays NULL. */
export function asJson(f: Frag): string {
  switch (f.type) {
    case 'float8':
    case 'text':
    case 'boolean':
      return `to_jsonb(${f.sql})`;
    case 'null':
      return 'NULL::jsonb';
    default:
      return f.sql;
  }
}

/** The list APPEND, REMOVE, SUM and COUNT work on: NULL is an empty array, a non-array is NULL. */
export function listOf(f: Frag): Frag {
  switch (f.type) {
    case 'null':
      return frag(`'[]'::jsonb`, 'array', true);
    case 'array':
      return frag(`COALESCE(${f.sql}, '[]'::jsonb)`, 'array');
    case 'json':
      return frag(filter(`COALESCE(${f.sql}, '[]'::jsonb)`, 'array'), 'array');
    default:
      return frag('NULL::jsonb', 'array', true);
  }
}

/** An argument for jsonb_build_array: SQL NULL becomes a JSON null. */
export function jsonArg(f: Frag): string {
  return f.type === 'null' ? 'NULL::jsonb' : f.sql;
}
