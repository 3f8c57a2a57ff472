/**
 * Column types as a projection declares them ("text primary key", "numeric(10,2)", "jsonb")
 * and how a column is read into the expression language: numbers as float8, timestamps as
 * the ISO-8601 text the evaluator sees, jsonb with JSON null as SQL NULL.
 */
import { frag, type Frag } from './frag.js';

/** The classes of column types the compiler distinguishes. */
export type ColumnClass =
  | 'text'
  | 'float8'
  | 'integer'
  | 'numeric'
  | 'boolean'
  | 'jsonb'
  | 'json'
  | 'timestamptz'
  | 'timestamp'
  | 'date'
  | 'other';

const CLASSES: [RegExp, ColumnClass][] = [
  [/^(double precision|float8|float4|real|float)\b/, 'float8'],
  [/^(numeric|decimal)\b/, 'numeric'],
  [/^(bigint|int8|integer|int4|int2|int|smallint|bigserial|serial8|serial4|serial|smallserial|serial2)\b/, 'integer'],
  [/^(boolean|bool)\b/, 'boolean'],
  [/^jsonb\b/, 'jsonb'],
  [/^json\b/, 'json'],
  [/^(timestamptz|timestamp with time zone)\b/, 'timestamptz'],
  [/^(timestamp without time zone|timestamp)\b/, 'timestamp'],
  [/^date\b/, 'date'],
  [/^(text|varchar|character varying|character|char|citext|name)\b/, 'text'],
];

/** The class of a declared column type (case and constraints ignored). */
export function columnClass(declared: string): ColumnClass {
  const t = declared.trim().toLowerCase().replace(/\s+/g, ' ');
  return CLASSES.find(([re]) => re.test(t))?.[1] ?? 'other';
}

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/** The column `ref` (of type `declared`) as an expression value. */
export function readColumn(ref: string, declared: string): Frag {
  switch (columnClass(declared)) {
    case 'text':
      return frag(ref, 'text', true);
    case 'float8':
    case 'integer':
    case 'numeric':
      return frag(`${ref}::float8`, 'float8', true);
    case 'boolean':
      return frag(ref, 'boolean', true);
    case 'jsonb':
      return frag(`NULLIF(${ref}, 'null'::jsonb)`, 'json', true);
    case 'json':
      return frag(`NULLIF(${ref}::jsonb, 'null'::jsonb)`, 'json', true);
    case 'timestamptz':
      return frag(`to_char(${ref} AT TIME ZONE 'UTC', ${ISO})`, 'text', true);
    case 'timestamp':
      return frag(`to_char(${ref}, ${ISO})`, 'text', true);
    case 'date':
      return frag(`to_char(${ref}, 'YYYY-MM-DD')`, 'text', true);
    case 'other':
      return frag(`${ref}::text`, 'text', true);
  }
}
