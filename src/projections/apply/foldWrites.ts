/**
 * An inline projection's writes for an append batch as statements of the batch's own statement
 * (AppendFold, issue 21): the batch is then one statement and one commit, its rows written
 * with its events. One statement sees one snapshot, so this takes only writes whose order
 * cannot matter: per table, ONE multi-row insert or upsert (every write of one shape, no two
 * upserts of one row) that reads no current row; and none may need the event's position,
 * which the batch has not drawn yet. Anything else is applied by the hook in a transaction.
 */
import { isSystemEventType } from '../../engine/systemEvents.js';
import type { ValueOrigin } from '../../expr/index.js';
import type { FoldContext, StoredEvent } from '../../store/EventStore.js';
import type { CompiledProjection } from '../compile/compileProjection.js';
import { EVENT, originsReadable, rowReadable, rowValueSql } from '../sql/eventRowValues.js';
import { forEachWrite, sameShape } from './applyEvents.js';
import type { PlannedWrite } from './PlannedWrite.js';
import { mergedValues, mergedWriteSql, valueRows, type RowSource, type TableRef } from './writeSql.js';

interface TableWrites {
  writes: PlannedWrite[];
  keys: Set<string>;
  /** The type of every event written, or undefined once two differ. */
  type: string | undefined;
}

/** How foldWrites may read values. */
export interface FoldOptions {
  /** `events` are the events as stored (no upcaster changed one): their rows hold the values the writes read. */
  asStored?: boolean;
}

/** The statements that write `events` (already upcast) into `tables`, or undefined when they cannot be folded. */
export function foldWrites(
  projection: CompiledProjection,
  tables: readonly TableRef[],
  events: readonly StoredEvent[],
  sql: FoldContext,
  options: FoldOptions = {},
): string[] | undefined {
  const byTable = new Map<number, TableWrites>();
  let timestamps = true;
  const foldable = forEachWrite(projection, events, (event, write) => {
    if (!write.mergeable || readsPosition(write)) return false;
    timestamps &&= isoYear(event.timestamp);
    const group = byTable.get(write.target);
    if (group === undefined) {
      byTable.set(write.target, { writes: [write], keys: new Set(write.key === undefined ? [] : [write.key]), type: event.type });
      return true;
    }
    if (!sameShape(group.writes[0]!, write) || (write.key !== undefined && group.keys.has(write.key))) return false;
    group.writes.push(write);
    if (write.key !== undefined) group.keys.add(write.key);
    if (group.type !== event.type) group.type = undefined;
    return true;
  });
  if (!foldable) return undefined;
  const out: string[] = [];
  for (const [target, group] of byTable) {
    // A statement of its own may fail on a key already there (FoldContext.alone): the batch is
    // then written again in a transaction, where the hook's inserts skip such rows.
    const rows = options.asStored === true ? fromEventRows(projection, group, sql, timestamps) : undefined;
    const { write, source } = rows ?? {
      write: group.writes[0]!,
      source: valueRows(sql.param(mergedValues(group.writes)), sql.rows, sql.filter),
    };
    const statement = mergedWriteSql(tables[target]!, write, { ...source, failOnConflict: sql.alone });
    if (statement === undefined) return undefined;
    out.push(statement);
  }
  return out;
}

/**
 * The rows of a group of inserts read from the batch's own event rows (FoldContext.eventRows)
 * instead of a parameter holding every value again (issue 21: the values are sent, parsed and
 * copied once, not twice). Only where each of those rows makes exactly the write the process
 * planned: the group's events are all of one type with one planner (so the type picks them
 * among the batch's rows, and every row of it makes one write of this shape), as stored, and
 * every value is on the row. Undefined: bind the values.
 */
function fromEventRows(
  projection: CompiledProjection,
  group: TableWrites,
  sql: FoldContext,
  timestamps: boolean,
): { write: PlannedWrite; source: RowSource } | undefined {
  if (sql.eventRows === undefined) return undefined;
  const first = group.writes[0]!;
  const { type } = group;
  if (type === undefined || isSystemEventType(type) || projection.planners.get(type)?.length !== 1 || first.action !== 'insert')
    return undefined;
  const origins = first.fragments.flatMap((f) => f.origins);
  if (!originsReadable(origins, { timestamps })) return undefined;
  // A document's or a number's JSON text in the row may differ from the text bound for it
  // (jsonb's spacing, 1e+21): those go bound.
  if (first.fragments.some((f) => f.reads.some((r) => r.kind === 'object' || r.kind === 'array'))) return undefined;
  if (!group.writes.every((w) => w.values.every((v) => typeof v !== 'number' || plainNumber(v)))) return undefined;
  if (!first.fragments.every((f) => f.reads.every((r) => rowReadable(r.root, r.path, { timestamps })))) return undefined;
  const add = (value: unknown) => sql.param(value);
  // A time's text converted to timestamptz is the row's timestamptz itself: `($n::text)::timestamptz`
  // (a text bound, then the column's conversion) becomes `$n::timestamptz`, which reads created_at.
  const exprs = first.exprs.map((e) =>
    e.replace(TIME_TEXT, (whole, n: string) => (timeOrigin(origins[Number(n) - 1]) ? `$${n}::timestamptz` : whole)),
  );
  const source: RowSource = {
    from: sql.eventRows(EVENT),
    filter: `${EVENT}.type = ${add(type)}::text`,
    orderBy: `${EVENT}.position`,
    value: (n, cast) => rowValueSql(origins[n - 1]!, add, cast),
  };
  return { write: { ...first, exprs }, source };
}

const TIME_TEXT = /^\(\$(\d+)::text\)::timestamptz$/;

const timeOrigin = (o: ValueOrigin | undefined): boolean => o !== undefined && ('now' in o || ('root' in o && o.root === 'timestamp'));

/** A number whose JSON text is its String() text and jsonb's (no exponent). */
function plainNumber(v: number): boolean {
  return Number.isSafeInteger(v) || (Number.isFinite(v) && Math.abs(v) >= 1e-6 && Math.abs(v) < 1e15);
}

/** A time whose ISO text has a four-digit year (what SQL's to_char writes as toISOString does). */
function isoYear(time: Date): boolean {
  const year = time.getUTCFullYear();
  return year >= 1000 && year <= 9999;
}

function readsPosition(write: PlannedWrite): boolean {
  return write.fragments.some((f) => f.reads.some((r) => r.root === 'position'));
}
