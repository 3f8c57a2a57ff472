/**
 * An inline projection's writes for an append batch as statements of the batch's own statement
 * (AppendFold, issue 21): the batch is then one statement and one commit, its rows written
 * with its events. One statement sees one snapshot, so this takes only writes whose order
 * cannot matter: per table, ONE multi-row insert or upsert (every write of one shape, no two
 * upserts of one row) that reads no current row; and none may need the event's position,
 * which the batch has not drawn yet. Anything else is applied by the hook in a transaction.
 */
import { isSystemEventType } from '../../engine/systemEvents.js';
import type { RootRead, ValueOrigin } from '../../expr/index.js';
import type { FoldContext, StoredEvent } from '../../store/EventStore.js';
import type { CompiledProjection } from '../compile/compileProjection.js';
import { EVENT, originsReadable, rowReadable, rowValueSql } from '../sql/eventRowValues.js';
import { forEachWrite, sameList, sameShape } from './applyEvents.js';
import type { PlannedWrite } from './PlannedWrite.js';
import { mergedValues, mergedWriteSql, valueRows, type RowSource, type TableRef } from './writeSql.js';

interface TableWrites {
  writes: PlannedWrite[];
  /** The upserts' keys (inserts have none). */
  keys: Set<string> | undefined;
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
      byTable.set(write.target, { writes: [write], keys: write.key === undefined ? undefined : new Set([write.key]), type: event.type });
      return true;
    }
    if (!sameShape(group.writes[0]!, write) || (write.key !== undefined && group.keys?.has(write.key) === true)) return false;
    group.writes.push(write);
    if (write.key !== undefined) (group.keys ??= new Set()).add(write.key);
    if (group.type !== event.type) group.type = undefined;
    return true;
  });
  if (!foldable) return undefined;
  const out: string[] = [];
  for (const [target, group] of byTable) {
    const statement = foldedStatement(projection, tables[target]!, group, sql, timestamps, options.asStored === true);
    if (statement === undefined) return undefined;
    out.push(statement);
  }
  return out;
}

/**
 * A group's statement as built before for the same key (issue 21: the SQL of a batch's group
 * was built again per batch, regex rebinds and string building, ~1.5 µs of server CPU per
 * CreateUser: bench/README, stop 20). What the statement's text and
 * its bound values (but for the values parameter) depend on: the table, the write's shape (its
 * action, columns, exprs and where, and its fragments' origins and reads, which the SQL texts
 * are cached with), the event type, the flags, and the first placeholder's number. Kept per
 * projection; a pathological config only refills it.
 */
interface Shape {
  table: TableRef;
  type: string | undefined;
  timestamps: boolean;
  alone: boolean;
  rows: string;
  filter: string | undefined;
  action: PlannedWrite['action'];
  where: string | undefined;
  columns: readonly string[];
  exprs: readonly string[];
  origins: readonly (readonly ValueOrigin[])[];
  reads: readonly (readonly RootRead[])[];
  /** Whether a group of this shape can read its values from the event rows (all but the numbers' check). */
  readable: boolean;
  /** The statement per first placeholder (`$n`: bound values), or the event rows' FROM item and it (`ev AS _tusk_e $n`). */
  built: Map<string, Built>;
}

interface Built {
  /** undefined: the shape cannot be merged. */
  sql: string | undefined;
  /** The values bound after the first, in order (each gets the next placeholder). */
  params: unknown[];
}

const MAX_SHAPES = 32;
const MAX_BUILT = 16;
const shapes = new WeakMap<CompiledProjection, Shape[]>();

/** The statement of `group` into `table`, its values bound in `sql`; undefined when it cannot be merged. */
function foldedStatement(
  projection: CompiledProjection,
  table: TableRef,
  group: TableWrites,
  sql: FoldContext,
  timestamps: boolean,
  asStored: boolean,
): string | undefined {
  const shape = shapeOf(projection, table, group, sql, timestamps);
  const fromRows = asStored && shape.readable && sql.eventRows !== undefined && plainNumbers(group.writes);
  // Every statement binds one value first (the type it picks, or the values), so the number
  // of that placeholder says where its others are: FoldContext.param numbers in order.
  const first = sql.param(fromRows ? group.type : mergedValues(group.writes));
  const key = fromRows ? `${sql.eventRows!(EVENT)} ${first}` : first;
  let built = shape.built.get(key);
  if (built === undefined) {
    built = build(table, group, sql, fromRows, first);
    if (shape.built.size >= MAX_BUILT) shape.built.clear();
    shape.built.set(key, built);
    return built.sql;
  }
  for (const value of built.params) sql.param(value);
  return built.sql;
}

/** The cached shape of `group`'s first write, found by comparing its (cached) texts and arrays, mostly pointers. */
function shapeOf(projection: CompiledProjection, table: TableRef, group: TableWrites, sql: FoldContext, timestamps: boolean): Shape {
  let list = shapes.get(projection);
  if (list === undefined) shapes.set(projection, (list = []));
  const w = group.writes[0]!;
  for (const s of list)
    if (
      s.table === table &&
      s.type === group.type &&
      s.timestamps === timestamps &&
      s.alone === sql.alone &&
      s.rows === sql.rows &&
      s.filter === sql.filter &&
      s.action === w.action &&
      s.where === w.where &&
      sameList(s.columns, w.columns) &&
      sameList(s.exprs, w.exprs) &&
      sameFragments(s, w)
    )
      return s;
  const shape: Shape = {
    table,
    type: group.type,
    timestamps,
    alone: sql.alone,
    rows: sql.rows,
    filter: sql.filter,
    action: w.action,
    where: w.where,
    columns: w.columns,
    exprs: w.exprs,
    origins: w.fragments.map((f) => f.origins),
    reads: w.fragments.map((f) => f.reads),
    readable: readable(projection, w, group.type, timestamps),
    built: new Map(),
  };
  if (list.length >= MAX_SHAPES) list.shift();
  list.push(shape);
  return shape;
}

/** `w`'s fragments carry the origins and reads `s` was built for (cached per signature: the same arrays). */
function sameFragments(s: Shape, w: PlannedWrite): boolean {
  const { fragments } = w;
  if (fragments.length !== s.origins.length) return false;
  for (let i = 0; i < fragments.length; i++) if (fragments[i]!.origins !== s.origins[i] || fragments[i]!.reads !== s.reads[i]) return false;
  return true;
}

/** Builds `group`'s statement, `first` already bound (the type, or the values), recording the values it binds after it. */
function build(table: TableRef, group: TableWrites, sql: FoldContext, fromRows: boolean, first: string): Built {
  const params: unknown[] = [];
  const add = (value: unknown): string => {
    params.push(value);
    return sql.param(value);
  };
  const w = group.writes[0]!;
  // A statement of its own may fail on a key already there (FoldContext.alone): the batch is
  // then written again in a transaction, where the hook's inserts skip such rows.
  const { write, source } = fromRows ? fromEventRows(w, sql, first, add) : { write: w, source: valueRows(first, sql.rows, sql.filter) };
  return { sql: mergedWriteSql(table, write, { ...source, failOnConflict: sql.alone }), params };
}

/**
 * Whether a group of inserts whose first write is `first` may read its values from the batch's
 * own event rows (FoldContext.eventRows) instead of a parameter holding every value again
 * (issue 21: the values are sent, parsed and copied once, not twice): only where each of those
 * rows makes exactly the write the process planned. The group's events are all of one type
 * with one planner (so the type picks them among the batch's rows, and every row of it makes
 * one write of this shape), and every value is on the row. The events must also be as stored
 * and their numbers plain (plainNumbers): the caller checks those per batch.
 */
function readable(projection: CompiledProjection, first: PlannedWrite, type: string | undefined, timestamps: boolean): boolean {
  if (type === undefined || isSystemEventType(type) || projection.planners.get(type)?.length !== 1 || first.action !== 'insert')
    return false;
  const origins = first.fragments.flatMap((f) => f.origins);
  if (!originsReadable(origins, { timestamps })) return false;
  // A document's or a number's JSON text in the row may differ from the text bound for it
  // (jsonb's spacing, 1e+21): those go bound.
  if (first.fragments.some((f) => f.reads.some((r) => r.kind === 'object' || r.kind === 'array'))) return false;
  return first.fragments.every((f) => f.reads.every((r) => rowReadable(r.root, r.path, { timestamps })));
}

/** True when every number of `writes` prints as the event row's JSON does (plainNumber). */
function plainNumbers(writes: readonly PlannedWrite[]): boolean {
  for (const w of writes) for (const v of w.values) if (typeof v === 'number' && !plainNumber(v)) return false;
  return true;
}

/**
 * The rows of a readable group read from the batch's event rows: `type` (bound as `typeParam`)
 * picks them, and each placeholder reads its value from the row (`add` binds what it needs).
 */
function fromEventRows(
  first: PlannedWrite,
  sql: FoldContext,
  typeParam: string,
  add: (value: unknown) => string,
): { write: PlannedWrite; source: RowSource } {
  const origins = first.fragments.flatMap((f) => f.origins);
  // A time's text converted to timestamptz is the row's timestamptz itself: `($n::text)::timestamptz`
  // (a text bound, then the column's conversion) becomes `$n::timestamptz`, which reads created_at.
  const exprs = first.exprs.map((e) =>
    e.replace(TIME_TEXT, (whole, n: string) => (timeOrigin(origins[Number(n) - 1]) ? `$${n}::timestamptz` : whole)),
  );
  const source: RowSource = {
    from: sql.eventRows!(EVENT),
    filter: `${EVENT}.type = ${typeParam}::text`,
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
