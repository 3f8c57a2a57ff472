/**
 * The SQL back end (SPEC §4, §5): an expression becomes a parameterised SQL fragment for
 * PostgreSQL. Bare names are columns of the target row; every root value (`data.*`,
 * `aggregate_id`, `timestamp`, …), every text constant and NOW() is a bound parameter.
 *
 * Parameter types are only known per event, so the compiled function looks at the kinds of
 * the root values of a call (its signature), builds the SQL for that signature once, and
 * caches it: in steady state a call reads the roots, joins one short key and binds values.
 */
import { quoteIdent } from '../../store/quoteIdent.js';
import type { ExprNode, PathNode } from '../ast.js';
import { compileExpression } from '../evaluate/compileExpression.js';
import type { CompiledExpression, EvalScope } from '../scope.js';
import { kindOf, type Kind } from '../values.js';
import { SqlBuilder, type ValueSource } from './SqlBuilder.js';
import { SQL_TYPE, type FragType } from './frag.js';
import { formatIso } from '../../util/isoTimestamp.js';

export interface SqlContext {
  /** The target table's columns and their declared SQL types ('text primary key', 'numeric', 'jsonb', …). */
  columns: Readonly<Record<string, string>>;
  /** How a column is referenced; default: its quoted name. Qualify it here (`"t"."total"`, `EXCLUDED."total"`). */
  column?: (name: string) => string;
  /** The first placeholder number when a call does not give one (default 1). */
  firstParam?: number;
}

/** The SQL type of a fragment's value (jsonb holds arrays, objects and values whose kind varies per row). */
export type SqlType = 'float8' | 'text' | 'boolean' | 'jsonb' | 'null';

export interface SqlFragment {
  /** SQL text with placeholders `$firstParam…`; no value is ever spliced into it. */
  sql: string;
  /** The values of those placeholders, in order (arrays and objects as JSON text). */
  values: unknown[];
  type: SqlType;
  /** The next free placeholder number, for the fragment after this one in the same statement. */
  nextParam: number;
  /** Where each value comes from, in the same order (lets the database compute them itself). */
  origins: readonly ValueOrigin[];
  /** The root values the SQL text was built for, with their kinds in this call (its signature). */
  reads: readonly RootRead[];
}

/** One step of a root path: `.name` or `[index]`. */
export type PathStep = { field: string } | { index: number };

/** A placeholder's value: a root path of the scope, a constant text of the expression, or NOW(). */
export type ValueOrigin = { root: string; path: readonly PathStep[] } | { constant: string } | { now: true };

/** A root path read by a fragment, and the kind of its value that the fragment's SQL assumes. */
export interface RootRead {
  root: string;
  path: readonly PathStep[];
  kind: Kind;
}

/** An expression compiled for SQL: a fragment per call, with the SQL text cached per signature. */
export type CompiledSql = (scope: EvalScope, firstParam?: number) => SqlFragment;

interface Built {
  sql: string;
  type: SqlType;
  sources: ValueSource[];
  origins: ValueOrigin[];
  reads: RootRead[];
}

interface Slot {
  name: string;
  path: PathStep[];
  read: CompiledExpression;
}

// a handful of signatures per expression is normal; this only bounds a pathological config
const MAX_CACHED = 256;

/** Compiles `ast` for SQL against the columns of `context`. */
export function compileToSql(ast: ExprNode, context: SqlContext): CompiledSql {
  const slots: Slot[] = [];
  const slotOf = new Map<ExprNode, number>();
  const byKey = new Map<string, number>();
  forEachNode(ast, (node) => {
    if (node.kind !== 'path') return;
    const key = pathKey(node);
    let index = byKey.get(key);
    if (index === undefined) {
      const path = node.segments.map((g): PathStep => (g.kind === 'field' ? { field: g.name } : { index: g.index }));
      index = slots.push({ name: node.name, path, read: compileExpression(node) }) - 1;
      byKey.set(key, index);
    }
    slotOf.set(node, index);
  });
  const column = context.column ?? quoteIdent;
  const cache = new Map<number | string, Built>();

  return (scope, firstParam = context.firstParam ?? 1) => {
    // The signature, built as the roots are read: this runs per event and field of every
    // projection write, so nothing else is allocated unless the SQL is built. A small integer
    // where it fits (the first placeholder's number, then 3 bits a slot: a Map hashes it for
    // free), else one short string (hashed per call). A cache holds one expression's
    // signatures, whose slot count is fixed, so neither form can mean another signature.
    const values: unknown[] = new Array<unknown>(slots.length);
    const small = slots.length <= SMALL_SLOTS && firstParam < SMALL_PARAMS;
    let code = firstParam;
    let text = small ? '' : `${firstParam}:`;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      let tag = CONSTANT;
      if (Object.hasOwn(scope.roots, slot.name)) {
        const v = slot.read(scope);
        tag = CODES[kindOf(v)];
        values[i] = v;
      }
      if (small) code = code * 8 + tag;
      else text += TAG_TEXT[tag]!;
    }
    const key = small ? code : text;
    let built = cache.get(key);
    if (built === undefined) {
      const tags = slots.map((slot, i) => (Object.hasOwn(scope.roots, slot.name) ? TAGS[kindOf(values[i])] : 'c'));
      const kinds = slots.flatMap((_slot, i): Kind[] => (tags[i] === 'c' ? [] : [kindOf(values[i])]));
      const builder = new SqlBuilder({ tags, slotOf, columns: context.columns, column, firstParam });
      const f = builder.finish(ast);
      const origins = f.sources.map(
        (src): ValueOrigin =>
          'slot' in src
            ? { root: slots[src.slot]!.name, path: slots[src.slot]!.path }
            : 'value' in src
              ? { constant: src.value }
              : { now: true },
      );
      const roots = slots.filter((_s, i) => tags[i] !== 'c');
      const reads = roots.map((slot, i): RootRead => ({ root: slot.name, path: slot.path, kind: kinds[i]! }));
      built = { sql: f.sql, type: PUBLIC_TYPE[f.type], sources: f.sources, origins, reads };
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(key, built);
    }
    const bound = built.sources.map((src) =>
      'slot' in src ? bindable(values[src.slot]) : 'value' in src ? src.value : formatIso(scope.now ?? new Date()),
    );
    return {
      sql: built.sql,
      values: bound,
      type: built.type,
      nextParam: firstParam + bound.length,
      origins: built.origins,
      reads: built.reads,
    };
  };
}

const TAGS = { null: 'n', number: 'f', string: 't', boolean: 'b', array: 'a', object: 'o' } as const;
/** A slot's tag as a signature digit (1–7), and back; CONSTANT: its root is not in the scope. */
const CODES = { null: 1, number: 2, string: 3, boolean: 4, array: 5, object: 6 } as const;
const CONSTANT = 7;
const TAG_TEXT = ['', 'n', 'f', 't', 'b', 'a', 'o', 'c'];
/** Up to 6 slots under a first placeholder below 4096: below 2^30, a small integer (Smi) in V8. */
const SMALL_SLOTS = 6;
const SMALL_PARAMS = 4096;
const PUBLIC_TYPE: Record<FragType, SqlType> = { ...SQL_TYPE, null: 'null' };

/** Drivers turn JS arrays into PostgreSQL arrays; jsonb parameters must be JSON text. */
function bindable(v: unknown): unknown {
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : v;
}

function pathKey(node: PathNode): string {
  return JSON.stringify([node.name, ...node.segments.map((s) => (s.kind === 'field' ? s.name : s.index))]);
}

function forEachNode(node: ExprNode, visit: (node: ExprNode) => void): void {
  visit(node);
  switch (node.kind) {
    case 'array':
      return node.items.forEach((n) => forEachNode(n, visit));
    case 'unary':
    case 'isNull':
      return forEachNode(node.operand, visit);
    case 'binary':
      forEachNode(node.left, visit);
      return forEachNode(node.right, visit);
    case 'in':
      forEachNode(node.operand, visit);
      return node.list.forEach((n) => forEachNode(n, visit));
    case 'call':
      return node.args.forEach((n) => forEachNode(n, visit));
    default:
      return;
  }
}
