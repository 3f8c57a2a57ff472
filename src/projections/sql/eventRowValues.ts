/**
 * A projection write's values read from an event's own row (alias `_tusk_e`) instead of bound
 * as parameters: for each placeholder, SQL giving the text the process would bind (the
 * `::type` after the placeholder converts it as before). A rebuild reads the events table this
 * way (replayInDatabase.ts), and an inline fold reads the rows its append batch inserts
 * (foldWrites.ts), so neither sends the values a second time.
 */
import type { PathStep, RootRead, ValueOrigin } from '../../expr/index.js';

/** The alias of the event row the values are read from. */
export const EVENT = '_tusk_e';

/** Roots whose values are jsonb documents: paths into them are read with `->`. */
const JSON_ROOTS: Readonly<Record<string, string>> = { data: `${EVENT}.data`, metadata: `COALESCE(${EVENT}.metadata, '{}'::jsonb)` };

/** Roots that are columns of the event row (no path into them). */
const COLUMN_ROOTS: Readonly<Record<string, string>> = {
  aggregate_id: `${EVENT}.stream_id`,
  aggregate_type: `${EVENT}.stream_type`,
  event_type: `${EVENT}.type`,
  version: `${EVENT}.version`,
  position: `${EVENT}.position`,
  event_version: `${EVENT}.event_version`,
};

/** Binds a value and answers its placeholder (`$n`). */
export type AddParam = (value: unknown) => string;

/** How values are read: `timestamps` also reads `timestamp` and NOW() (see timestampSql). */
export interface RowValueOptions {
  timestamps?: boolean;
}

/** True when the value at `root`/`path` can be read from the event row. */
export function rowReadable(root: string, path: readonly PathStep[], options: RowValueOptions = {}): boolean {
  if (Object.hasOwn(JSON_ROOTS, root)) return true;
  if (path.length !== 0) return false;
  return Object.hasOwn(COLUMN_ROOTS, root) || (options.timestamps === true && root === 'timestamp');
}

/** True when every value of `origins` can be read from the event row. */
export function originsReadable(origins: readonly ValueOrigin[], options: RowValueOptions = {}): boolean {
  return origins.every((o) => ('now' in o ? options.timestamps === true : !('root' in o) || rowReadable(o.root, o.path, options)));
}

/**
 * The event's time as the process binds it (formatIso: `toISOString`'s text), for a row whose
 * `created_at` holds exactly that text's instant (milliseconds, a year of four digits); as the
 * timestamptz itself where the placeholder is cast to timestamptz anyway (`cast`).
 */
function timestampSql(cast: string | undefined): string {
  return cast === 'timestamptz'
    ? `${EVENT}.created_at`
    : `to_char(${EVENT}.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/**
 * The SQL reading placeholder value `origin` from the event row, as the text the process
 * would bind: strings unquoted, numbers and booleans as JSON prints them, documents as JSON.
 * `cast`: the type the placeholder is cast to.
 */
export function rowValueSql(origin: ValueOrigin, add: AddParam, cast?: string): string {
  if ('constant' in origin) return add(origin.constant);
  if ('now' in origin || origin.root === 'timestamp') return `(${timestampSql(cast)})`;
  const column = COLUMN_ROOTS[origin.root];
  return column !== undefined ? `(${column})` : `(${jsonPath(origin.root, origin.path, add)} #>> '{}')`;
}

/** True when the value at `read` has the kind the SQL was built for (missing and JSON null are both null). */
export function rowKindCondition(read: RootRead, add: AddParam): string {
  const value = jsonPath(read.root, read.path, add);
  return read.kind === 'null'
    ? `(${value} IS NULL OR jsonb_typeof(${value}) = 'null')`
    : `jsonb_typeof(${value}) = ${add(read.kind)}::text`;
}

/** True when `read` is of a jsonb root (its kind varies per row; a column's does not). */
export function readsDocument(read: RootRead): boolean {
  return Object.hasOwn(JSON_ROOTS, read.root);
}

/** A path into a jsonb root, one `->` per step: a field of a non-object or an index of a non-array is NULL, as in the process. */
function jsonPath(root: string, path: readonly PathStep[], add: AddParam): string {
  let sql = JSON_ROOTS[root]!;
  for (const step of path) sql = 'field' in step ? `(${sql} -> ${add(step.field)}::text)` : `(${sql} -> ${add(step.index)}::int)`;
  return sql;
}
