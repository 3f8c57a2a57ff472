/**
 * Storing an expression's value into a column: the projection engine wraps each field's
 * fragment with this so INSERT/UPDATE get a value of (or assignable to) the column's type.
 * Numbers go through their shortest decimal text so `numeric` columns hold the same value
 * the evaluator computed (float8 → numeric directly would keep only 15 digits).
 */
import { columnClass } from './columns.js';
import type { SqlType } from './compileToSql.js';
import { jsNumberText } from './numberText.js';

const NUMBER = `'strict $ ? (@.type() == "number")'`;

/** SQL for the value of `sql` (of `type`) as a column declared `declared` ('numeric', 'text primary key', …). */
export function toColumnType(sql: string, type: SqlType, declared: string): string {
  const cls = columnClass(declared);
  if (type === 'null') return `NULL::${baseType(declared)}`;
  const num =
    type === 'float8'
      ? sql
      : type === 'jsonb'
        ? `(jsonb_path_query_first(${sql}, ${NUMBER}))::float8`
        : type === 'text'
          ? `(${sql})::float8`
          : 'NULL::float8';
  switch (cls) {
    case 'text':
    case 'other': {
      const text =
        type === 'float8'
          ? `(SELECT ${jsNumberText('_tusk_col.v')} FROM (SELECT ${sql} AS v) AS _tusk_col)`
          : type === 'jsonb'
            ? `(${sql} #>> '{}')`
            : `(${sql})::text`;
      return cls === 'text' ? text : `${text}::${baseType(declared)}`;
    }
    case 'float8':
      return num;
    case 'numeric':
      return `(${num})::text::numeric`;
    case 'integer':
      return `round((${num})::text::numeric)::${baseType(declared)}`;
    case 'boolean':
      return type === 'boolean'
        ? sql
        : type === 'jsonb'
          ? `(jsonb_path_query_first(${sql}, 'strict $ ? (@.type() == "boolean")'))::boolean`
          : 'NULL::boolean';
    case 'jsonb':
      return type === 'jsonb' ? sql : `to_jsonb(${sql})`;
    case 'json':
      return `(${type === 'jsonb' ? sql : `to_jsonb(${sql})`})::json`;
    case 'timestamptz':
    case 'timestamp':
    case 'date': {
      const text = type === 'jsonb' ? `(${sql} #>> '{}')` : type === 'text' ? sql : 'NULL::text';
      return `(${text})::${cls}`;
    }
  }
}

/** The type name of a column declaration, without constraints ('varchar(20) not null' → 'varchar(20)'). */
export function baseType(declared: string): string {
  const t = declared.trim().toLowerCase().replace(/\s+/g, ' ');
  const multi =
    /^(double precision|character varying|timestamp with(?:out)? time zone|time with(?:out)? time zone|bit varying)(\s*\(\s*\d+\s*\))?/.exec(
      t,
    );
  const m = multi ?? /^[a-z_][a-z0-9_]*(\s*\(\s*\d+(\s*,\s*\d+)?\s*\))?(\[\])?/.exec(t);
  if (!m) throw new Error(`cannot read a column type from ${JSON.stringify(declared)}`);
  return m[0].replace(/serial8|bigserial/, 'bigint').replace(/^(small)?serial[24]?$/, (_s, small) => (small ? 'smallint' : 'integer'));
}
