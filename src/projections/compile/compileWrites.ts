/**
 * A mapping (`action`, `where`, `fields`, `when`) compiled once into a planner: per event, the
 * PlannedWrite whose SQL pieces come from compileToSql fragments. Bare names are columns of the
 * row: NULL for an insert (there is no row yet), the current row for update/delete and for an
 * upsert that reads it. Event paths are bound parameters; nothing else enters the SQL.
 */
import type { ProjectionMapping } from '../../config/schema/projections.js';
import { ConfigError } from '../../errors.js';
import {
  baseType,
  compileExpression,
  compileToSql,
  parseExpression,
  toColumnType,
  type CompiledSql,
  type EvalScope,
  type ExprNode,
  type SqlContext,
  type SqlFragment,
  type SqlType,
} from '../../expr/index.js';
import { quoteIdent } from '../../store/quoteIdent.js';
import type { StoredEvent } from '../../store/EventStore.js';
import type { PlannedWrite, WriteAction } from '../apply/PlannedWrite.js';
import { columnOf, columnTypes, type TableSpec } from '../tables/TableSpec.js';
import { equalsExpr, pathExpr, readsColumns } from './eventScope.js';
import { keyText } from './keyText.js';
import { getOwn } from '../../util/setOwn.js';

/** Plans one event's write to one table (undefined: nothing to write). */
export type WritePlanner = (event: StoredEvent, scope: EvalScope) => PlannedWrite | undefined;

/** A table as the planners of its events see it. */
export interface WriteTarget {
  /** 0: the projection's table; 1…: its joins, in order. */
  index: number;
  table: TableSpec;
  /** The key's value when a mapping does not set it: aggregate_id, or for a child row the event's position or data.<key>. */
  keyDefault: ExprNode;
}

type ColumnRef = 'null' | 'row' | 'plain';

interface CompiledField {
  column: string;
  quoted?: string;
  type: string;
  sql: CompiledSql;
}

/** Compiles one event type's `mapping` for `target`; `where` names the config path in errors. */
export function compileMapping(target: WriteTarget, mapping: ProjectionMapping, where: string): WritePlanner {
  const { table } = target;
  const parse = (text: string, what: string): ExprNode => {
    const { ast, diagnostics } = parseExpression(text);
    if (ast === undefined) throw new ConfigError(`${where}.${what}: ${diagnostics.map((d) => d.message).join('; ')}`, diagnostics);
    return ast;
  };
  const fields: [string, ExprNode][] = Object.entries(mapping.fields).map(([col, text]) => [col, parse(text, `fields.${col}`)]);
  const action: WriteAction = mapping.action;
  const writesRow = action === 'insert' || action === 'upsert';
  if (writesRow) {
    if (!fields.some(([c]) => c === table.key)) fields.unshift([table.key, target.keyDefault]);
    if (table.foreignKey !== undefined && !fields.some(([c]) => c === table.foreignKey))
      fields.push([table.foreignKey, pathExpr('aggregate_id')]);
  }
  const when = mapping.when === undefined ? undefined : parse(mapping.when, 'when');
  const readsRow = action === 'upsert' && (fields.some(([, ast]) => readsColumns(ast)) || (when !== undefined && readsColumns(when)));
  const ref: ColumnRef = action === 'insert' || (action === 'upsert' && !readsRow) ? 'null' : action === 'upsert' ? 'row' : 'plain';
  const context = sqlContext(table, ref);
  const compiled = (col: string, ast: ExprNode): CompiledField => ({
    column: col,
    type: columnType(table, col, where),
    sql: compileToSql(ast, context),
  });
  const compiledFields = action === 'delete' ? [] : fields.map(([col, ast]) => compiled(col, ast));
  const filterAst = writesRow
    ? undefined
    : mapping.where !== undefined
      ? parse(mapping.where, 'where')
      : equalsExpr(pathExpr(table.foreignKey ?? table.key), pathExpr('aggregate_id'));
  const filter = filterAst === undefined ? undefined : compileToSql(filterAst, context);
  const condition = when === undefined ? undefined : compileToSql(when, context);
  const keyAst = fields.find(([c]) => c === table.key)?.[1] ?? target.keyDefault;
  const keyType = columnOf(table, table.key)!.type;
  // the key that finds the current row reads no column: it cannot depend on the row it looks for
  const rowKey: CompiledField | undefined = readsRow
    ? { column: table.key, type: keyType, sql: compileToSql(keyAst, sqlContext(table, 'null')) }
    : undefined;
  const keyValue = action === 'upsert' ? compileExpression(keyAst) : undefined;
  const columns = compiledFields.map((f) => quoteIdent(f.column));

  return (_event, scope) => {
    if (action === 'update' && compiledFields.length === 0) return undefined;
    const out = bind(compiledFields, scope);
    let where: string | undefined;
    let rowKeySql: string | undefined;
    if (rowKey !== undefined) {
      const k = rowKey.sql(scope, out.next);
      rowKeySql = toColumnType(k.sql, k.type, rowKey.type);
      out.add(k);
    }
    for (const part of [filter, condition]) {
      if (part === undefined) continue;
      const f = part(scope, out.next);
      const sql = f.type === 'boolean' ? f.sql : toColumnType(f.sql, f.type, 'boolean');
      where = where === undefined ? sql : `(${where}) AND (${sql})`;
      out.add(f);
    }
    const key = keyValue === undefined ? undefined : keyText(keyValue(scope), keyType);
    return {
      target: target.index,
      action,
      columns,
      exprs: out.exprs,
      where,
      rowKey: rowKeySql,
      values: out.values,
      fragments: out.fragments,
      mergeable: rowKey === undefined && (action === 'insert' || key !== undefined),
      key,
    };
  };
}

/**
 * The planner of an event listed without a mapping: an upsert of the key (and a child row's
 * foreign key) plus every data field that names a column. Only the fields the event carries
 * are written, so a later event with fewer fields keeps the others.
 */
export function compileDataUpsert(target: WriteTarget): WritePlanner {
  const { table } = target;
  const context = sqlContext(table, 'null');
  const fixed: CompiledField[] = [
    { column: table.key, type: columnOf(table, table.key)!.type, sql: compileToSql(target.keyDefault, context) },
  ];
  if (table.foreignKey !== undefined)
    fixed.push({
      column: table.foreignKey,
      type: columnOf(table, table.foreignKey)!.type,
      sql: compileToSql(pathExpr('aggregate_id'), context),
    });
  const skip = new Set(fixed.map((f) => f.column));
  const optional: CompiledField[] = table.columns
    .filter((c) => !skip.has(c.name))
    .map((c) => ({ column: c.name, type: c.type, sql: compileToSql(pathExpr('data', c.name), context) }));
  const keyValue = compileExpression(target.keyDefault);
  const keyType = fixed[0]!.type;

  return (event, scope) => {
    const data = event.data;
    const present =
      typeof data === 'object' && data !== null && !Array.isArray(data) ? optional.filter((f) => Object.hasOwn(data, f.column)) : [];
    const fields = [...fixed, ...present];
    const out = bind(fields, scope);
    const key = keyText(keyValue(scope), keyType);
    return {
      target: target.index,
      action: 'upsert',
      columns: fields.map((f) => (f.quoted ??= quoteIdent(f.column))),
      exprs: out.exprs,
      values: out.values,
      fragments: out.fragments,
      mergeable: key !== undefined,
      key,
    };
  };
}

/** The values of a write's fragments so far, and the next placeholder number. */
class Bound {
  readonly exprs: string[] = [];
  readonly values: unknown[] = [];
  readonly fragments: SqlFragment[] = [];
  next = 1;

  /** Takes `frag`'s values (its SQL goes where the caller puts it). */
  add(frag: SqlFragment): void {
    for (const v of frag.values) this.values.push(v);
    this.fragments.push(frag);
    this.next = frag.nextParam;
  }
}

/** Binds each field's fragment for `scope`, converted to its column's type. */
function bind(fields: readonly CompiledField[], scope: EvalScope): Bound {
  const out = new Bound();
  for (const f of fields) {
    const frag = f.sql(scope, out.next);
    out.exprs.push(converted(f, frag.sql, frag.type));
    out.add(frag);
  }
  return out;
}

// fragments repeat (compileToSql caches them per signature): so do their conversions, looked
// up by the fragment's own (cached) text per type, so no key is built per event
const conversions = new WeakMap<CompiledField, Map<SqlType, Map<string, string>>>();

/** toColumnType of a field's fragment, computed once per fragment text. */
function converted(f: CompiledField, sql: string, type: SqlType): string {
  let byType = conversions.get(f);
  if (byType === undefined) conversions.set(f, (byType = new Map<SqlType, Map<string, string>>()));
  let byText = byType.get(type);
  if (byText === undefined) byType.set(type, (byText = new Map<string, string>()));
  let out = byText.get(sql);
  if (out === undefined) {
    if (byText.size > 256) byText.clear();
    byText.set(sql, (out = toColumnType(sql, type, f.type)));
  }
  return out;
}

/** How bare names are read: NULL of the column's type (no row yet), the joined current row, or the updated row. */
function sqlContext(table: TableSpec, ref: ColumnRef): SqlContext {
  const columns = columnTypes(table);
  const column =
    ref === 'null'
      ? (name: string) => `NULL::${baseType(getOwn(columns, name) ?? 'text')}`
      : ref === 'row'
        ? (name: string) => `_tusk_row.${quoteIdent(name)}`
        : quoteIdent;
  return { columns, column };
}

function columnType(table: TableSpec, col: string, where: string): string {
  const c = columnOf(table, col);
  if (c === undefined) throw new ConfigError(`${where}.fields.${col}: \`${col}\` is not a column of \`${table.name}\``, []);
  return c.type;
}
