/**
 * The SQL of planned writes. One write is one statement with its values bound. Several writes
 * of one shape (inserts and upserts that do not read the row) become ONE statement over a
 * jsonb array of their values: the same expression SQL, with each placeholder `$n` read from
 * the row's n-th value instead, so a merged write stores exactly what the single ones would.
 * A rebuild can also read those values straight from the event rows (replayInDatabase.ts).
 */
import type { PlannedWrite } from './PlannedWrite.js';

/** A physical table: its qualified, quoted name and its quoted key column. */
export interface TableRef {
  table: string;
  key: string;
  /** The ON CONFLICT target: the key, and tenant_id in a conjoined store (TableSpec.tenant). */
  conflict?: string;
}

/** The statement of one write. */
export function writeSql(t: TableRef, w: PlannedWrite): string {
  switch (w.action) {
    case 'update':
      return `UPDATE ${t.table} SET ${w.columns.map((c, i) => `${c} = ${w.exprs[i]}`).join(', ')} WHERE ${w.where ?? 'true'}`;
    case 'delete':
      return `DELETE FROM ${t.table} WHERE ${w.where ?? 'true'}`;
    default: {
      const from =
        w.rowKey === undefined ? '' : ` FROM (SELECT 1) AS _tusk_one LEFT JOIN ${t.table} AS _tusk_row ON _tusk_row.${t.key} = ${w.rowKey}`;
      return `INSERT INTO ${t.table} AS _tusk_t (${w.columns.join(', ')}) SELECT ${w.exprs.join(', ')}${from}${w.where === undefined ? '' : ` WHERE ${w.where}`} ${onConflict(t, w)}`;
    }
  }
}

const PLACEHOLDER = /\$(\d+)(?=::(\w+))/g;

/**
 * The rows a multi-row statement writes: its FROM (and filter), their order, and the SQL that
 * reads placeholder `$n`'s value (as text: the `::type` after it converts it) from one row.
 */
export interface RowSource {
  from: string;
  filter?: string;
  orderBy: string;
  /** `cast`: the type the placeholder is cast to (`timestamptz`, `text`, …). */
  value: (n: number, cast: string) => string;
  /**
   * Inserts only: a row whose key exists fails the statement instead of being skipped, which
   * spares ON CONFLICT's speculative insertion; the caller then writes the rows another way.
   */
  failOnConflict?: boolean;
}

/**
 * The rows of a merged statement: placeholder `param`, a jsonb array of each write's values
 * (`mergedValues`); `join` and `filter` (an append batch's frame, see AppendFold) apply to each.
 */
export function valueRows(param: string, join = '', filter?: string): RowSource {
  return {
    from: `jsonb_array_elements(${param}::jsonb) WITH ORDINALITY AS _tusk_x(r, n)${join === '' ? '' : ` ${join}`}`,
    ...(filter === undefined ? {} : { filter }),
    orderBy: '_tusk_x.n',
    value: (n) => `(_tusk_x.r ->> ${n - 1})`,
  };
}

const VALUE_ROWS = valueRows('$1');

/**
 * The statement of several writes of `w`'s shape, one per row of `source`; by default its one
 * parameter is `mergedValues(writes)`. Undefined when the shape cannot be merged.
 */
export function mergedWriteSql(t: TableRef, w: PlannedWrite, source: RowSource = VALUE_ROWS): string | undefined {
  if (!w.mergeable || w.rowKey !== undefined || (w.action !== 'insert' && w.action !== 'upsert')) return undefined;
  const seen = new Set<number>();
  // Every placeholder of a compiled fragment is written `$n::type` (a cast follows it).
  const rebind = (sql: string) =>
    sql.replace(PLACEHOLDER, (_m, n: string, cast: string) => {
      seen.add(Number(n));
      return source.value(Number(n), cast);
    });
  const exprs = w.exprs.map(rebind);
  const filters = [source.filter, w.where === undefined ? undefined : `(${rebind(w.where)})`].filter((f) => f !== undefined);
  if (seen.size !== w.values.length || [...seen].some((n) => n < 1 || n > w.values.length)) return undefined;
  const where = filters.length === 0 ? '' : ` WHERE ${filters.join(' AND ')}`;
  const conflict = source.failOnConflict === true && w.action === 'insert' ? '' : ` ${onConflict(t, w)}`;
  return `INSERT INTO ${t.table} AS _tusk_t (${w.columns.join(', ')}) SELECT ${exprs.join(', ')} FROM ${source.from}${where} ORDER BY ${source.orderBy}${conflict}`;
}

/** The one parameter of a merged statement: each write's values as texts (the casts in the SQL type them). */
export function mergedValues(writes: readonly PlannedWrite[]): string {
  return JSON.stringify(
    writes.map((w) =>
      w.values.map((v) => (typeof v === 'string' ? v : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))),
    ),
  );
}

function onConflict(t: TableRef, w: PlannedWrite): string {
  const target = t.conflict ?? t.key;
  const updates = w.action === 'upsert' ? w.columns.filter((c) => c !== t.key) : [];
  return updates.length === 0
    ? `ON CONFLICT (${target}) DO NOTHING`
    : `ON CONFLICT (${target}) DO UPDATE SET ${updates.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`;
}
