/**
 * The column type an expression's values fit, for tables whose `columns` are not declared:
 * `timestamp` → timestamptz, `data.total` → the declared type of the event field, `'x'` →
 * text, `a + 1` → numeric. Unknown is `undefined`; a column nothing tells about is jsonb,
 * which stores every kind of value exactly.
 */
import type { ExprNode } from '../../expr/index.js';
import type { FieldSpec } from '../../config/schema/primitives.js';

/** What an expression's names are known to hold. */
export interface TypeEnv {
  /** The type of the event's `data.<field>` (one level), if known. */
  dataField(field: string): string | undefined;
  /** The type of a column (a bare name), if known. */
  column(name: string): string | undefined;
  /** Extra roots (`input` when inferring an emit's data); `input.<field>` types. */
  input?(field: string): string | undefined;
}

const ROOT_TYPES: Record<string, string> = {
  timestamp: 'timestamptz',
  aggregate_id: 'text',
  aggregate_type: 'text',
  event_type: 'text',
  version: 'bigint',
  position: 'bigint',
  event_version: 'bigint',
};

/** The SQL type of a call's result, or 'first': the type of its first argument. */
const CALL_TYPES: Record<string, string> = {
  COALESCE: 'first',
  GREATEST: 'first',
  LEAST: 'first',
  CONCAT: 'text',
  LOWER: 'text',
  UPPER: 'text',
  TRIM: 'text',
  SPLIT_PART: 'text',
  NOW: 'timestamptz',
  LENGTH: 'bigint',
  COUNT: 'bigint',
  ROUND: 'numeric',
  FLOOR: 'numeric',
  CEIL: 'numeric',
  ABS: 'numeric',
  SUM: 'numeric',
  APPEND: 'jsonb',
  REMOVE: 'jsonb',
  CONTAINS: 'boolean',
};

/** The SQL type of a declared input/event field. */
export function fieldSqlType(spec: FieldSpec): string {
  switch (spec.type) {
    case 'number':
      return 'numeric';
    case 'integer':
      return 'bigint';
    case 'boolean':
      return 'boolean';
    case 'timestamp':
      return 'timestamptz';
    case 'array':
    case 'object':
    case 'any':
      return 'jsonb';
    default:
      return 'text';
  }
}

/** The type of `node`'s values under `env`, when it can be told. */
export function inferType(node: ExprNode, env: TypeEnv): string | undefined {
  switch (node.kind) {
    case 'literal':
      return node.value === null
        ? undefined
        : typeof node.value === 'string'
          ? 'text'
          : typeof node.value === 'number'
            ? 'numeric'
            : 'boolean';
    case 'array':
      return 'jsonb';
    case 'path': {
      if (Object.hasOwn(ROOT_TYPES, node.name)) return node.segments.length === 0 ? ROOT_TYPES[node.name] : undefined;
      const first = node.segments[0];
      if (node.name === 'data')
        return node.segments.length === 0
          ? 'jsonb'
          : node.segments.length === 1 && first?.kind === 'field'
            ? env.dataField(first.name)
            : undefined;
      if (node.name === 'input' && env.input !== undefined)
        return node.segments.length === 1 && first?.kind === 'field' ? env.input(first.name) : undefined;
      if (node.name === 'metadata') return undefined;
      return node.segments.length === 0 ? env.column(node.name) : undefined;
    }
    case 'unary':
      return node.op === 'NOT' ? 'boolean' : 'numeric';
    case 'isNull':
    case 'in':
      return 'boolean';
    case 'binary':
      if (node.op === '+') {
        const [l, r] = [inferType(node.left, env), inferType(node.right, env)];
        return l === 'text' || r === 'text' ? 'text' : 'numeric';
      }
      return ['-', '*', '/', '%'].includes(node.op) ? 'numeric' : 'boolean';
    case 'call': {
      const t = CALL_TYPES[node.name];
      if (t !== 'first') return t;
      for (const arg of node.args) {
        const a = inferType(arg, env);
        if (a !== undefined) return a;
      }
      return undefined;
    }
  }
}

/** The type of a column written with values of types `a` and `b`. */
export function mergeTypes(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined || a === b) return b;
  if (b === undefined) return a;
  const numbers = ['bigint', 'numeric'];
  if (numbers.includes(a) && numbers.includes(b)) return 'numeric';
  return 'jsonb';
}
