/**
 * The evaluator: an AST is compiled ONCE into nested closures, so evaluating it (on every
 * command and every event fold) walks no tree and looks nothing up by name but the path roots.
 */
import { ExpressionError } from '../../errors.js';
import { DEFAULT_LIMITS } from '../../limits.js';
import type { BinaryNode, CallNode, ExprNode, PathNode } from '../ast.js';
import { FUNCTIONS } from '../functions.js';
import type { CompiledExpression, EvalScope } from '../scope.js';
import { elementOf, fieldOf, normalise } from '../values.js';
import { BUILTINS } from './builtins.js';
import { and3, BINARY, concat, equals, or3, truth } from './operators.js';

/** What the evaluator refuses to build (README "Limits"). */
export interface EvalLimits {
  /** Longest string `+` or CONCAT may produce; past it STRING_TOO_LONG, before the string exists. */
  stringLength: number;
}

/** Compiles `ast` to a function of the scope; run-time faults throw ExpressionError (or a limit's error). */
export function compileExpression(ast: ExprNode, limits: EvalLimits = { stringLength: DEFAULT_LIMITS.string_length }): CompiledExpression {
  return compile(ast, limits.stringLength);
}

function compile(node: ExprNode, maxString: number): CompiledExpression {
  const sub = (n: ExprNode) => compile(n, maxString);
  switch (node.kind) {
    case 'literal': {
      const value = node.value;
      return () => value;
    }
    case 'array': {
      const items = node.items.map(sub);
      return (s) => items.map((f) => f(s));
    }
    case 'path':
      return compilePath(node);
    case 'unary': {
      const operand = sub(node.operand);
      if (node.op === 'NOT') {
        return (s) => {
          const v = truth(operand(s));
          return v === null ? null : !v;
        };
      }
      return (s) => {
        const v = operand(s);
        return typeof v === 'number' ? -v : null;
      };
    }
    case 'binary':
      return compileBinary(node, maxString);
    case 'isNull': {
      const operand = sub(node.operand);
      return node.negated ? (s) => operand(s) !== null : (s) => operand(s) === null;
    }
    case 'in': {
      const operand = sub(node.operand);
      const list = node.list.map(sub);
      const negated = node.negated;
      return (s) => {
        const v = operand(s);
        // SQL: x IN (a, b) is x = a OR x = b, with three-valued OR
        let result: boolean | null = false;
        for (const item of list) {
          result = or3(result, equals(v, item(s)));
          if (result === true) break;
        }
        return result === null ? null : negated ? !result : result;
      };
    }
    case 'call':
      return compileCall(node, maxString);
  }
}

function compilePath(node: PathNode): CompiledExpression {
  const name = node.name;
  const read = (s: EvalScope): unknown => {
    if (Object.hasOwn(s.roots, name)) return normalise(s.roots[name]);
    return Object.hasOwn(s.fields, name) ? normalise(s.fields[name]) : null;
  };
  if (node.segments.length === 0) return read;
  const steps = node.segments.map((seg) =>
    seg.kind === 'field' ? (v: unknown) => fieldOf(v, seg.name) : (v: unknown) => elementOf(v, seg.index),
  );
  return (s) => {
    let v = read(s);
    for (const step of steps) {
      if (v === null) return null;
      v = step(v);
    }
    return v;
  };
}

function compileBinary(node: BinaryNode, maxString: number): CompiledExpression {
  const left = compile(node.left, maxString);
  const right = compile(node.right, maxString);
  const op = node.op;
  if (op === 'AND') {
    return (s) => {
      const a = truth(left(s));
      return a === false ? false : and3(a, truth(right(s)));
    };
  }
  if (op === 'OR') {
    return (s) => {
      const a = truth(left(s));
      return a === true ? true : or3(a, truth(right(s)));
    };
  }
  if (op === '+') return (s) => concat(left(s), right(s), maxString);
  const apply = BINARY[op];
  return (s) => apply(left(s), right(s));
}

function compileCall(node: CallNode, maxString: number): CompiledExpression {
  const builtin = BUILTINS[node.name];
  const spec = FUNCTIONS[node.name];
  // `check` reports both as located diagnostics; a config that skipped it fails here, once
  if (builtin === undefined || spec === undefined) throw new ExpressionError(`unknown function ${node.name}`);
  if (node.args.length < spec.min || node.args.length > spec.max)
    throw new ExpressionError(`${spec.signature} called with ${node.args.length} argument(s)`);
  return builtin(
    node.args.map((a) => compile(a, maxString)),
    maxString,
  );
}
