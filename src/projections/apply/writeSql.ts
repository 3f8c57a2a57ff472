/**
 * The SQL of planned writes. One write is one statement with its values bound. Several writes
 * of one shape (inserts and upserts that do not read the row) become ONE statement over a
 * jsonb array of their values: the same expression SQL, with each placeholder `$n` read from
 * the row's n-th value instead, so a merged write stores exactly what the single ones would.
 */
import type { PlannedWrite } from './PlannedWrite.js';

/** A physical table: its qualified, quoted name and its quoted key column. */
export interface TableRef {
  table: string;
  key: string;
}

/** The statement of one write. */
export function writeSql(t: TableRef, w: PlannedWrite): string {
  switch (w.action) {
    case 'update':
      return `UPDATE ${t.table} SET ${w.columns.map((c, i) => `${c} = ${w.exprs[i]}`).join(', ')} WHERE ${w.where ?? 'true'}`;
    case 'delete':
      return `DELETE FROM ${t.table} WHERE ${w.where ?? 'true'}`;
    default: {
      const from = w.rowKey === undefined ? '' : ` FROM (SELECT 1) AS _tusk_one LEFT JOIN ${t.table} AS _tusk_row ON _tusk_row.${t.key} = ${w.rowKey}`;
      return `INSERT INTO ${t.table} AS _tusk_t (${w.columns.join(', ')}) SELECT ${w.exprs.join(', ')}${from}${w.where === undefined ? '' : ` WHERE ${w.where}`} ${onConflict(t, w)}`;
    }
  }
}

const PLACEHOLDER = /\$(\d+)(?=::)/g;

/**
 * The statement of several writes of `w`'s shape; its one parameter is `mergedValues(writes)`.
 * Undefined when the shape cannot be merged.
 */
export function mergedWriteSql(t: TableRef, w: PlannedWrite): string | undefined {
  if (!w.mergeable || w.rowKey !== undefined || (w.action !== 'insert' && w.action !== 'upsert')) return undefined;
  const seen = new Set<number>();
  // Every placeholder of a compiled fragment is written `$n::type` (a cast follows it).
  const rebind = (sql: string) =>
    sql.replace(PLACEHOLDER, (_m, n: string) => {
      seen.add(Number(n));
      return `(_tusk_x.r ->> ${Number(n) - 1})`;
    });
  const exprs = w.exprs.map(rebind);
  const where = w.where === undefined ? '' : ` WHERE ${rebind(w.where)}`;
  if (seen.size !== w.values.length || [...seen].some((n) => n < 1 || n > w.values.length)) return undefined;
  return `INSERT INTO ${t.table} AS _tusk_t (${w.columns.join(', ')}) SELECT ${exprs.join(', ')} FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS _tusk_x(r, n)${where} ORDER BY _tusk_x.n ${onConflict(t, w)}`;
}

/** The one parameter of a merged statement: each write's values as texts (the casts in the SQL type them). */
export function mergedValues(writes: readonly PlannedWrite[]): string {
  return JSON.stringify(writes.map((w) => w.values.map((v) => (typeof v === 'string' ? v : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)))));
}

function onConflict(t: TableRef, w: PlannedWrite): string {
  const updates = w.action === 'upsert' ? w.columns.filter((c) => c !== t.key) : [];
  return updates.length === 0 ? `ON CONFLICT (${t.key}) DO NOTHING` : `ON CONFLICT (${t.key}) DO UPDATE SET ${updates.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`;
}
