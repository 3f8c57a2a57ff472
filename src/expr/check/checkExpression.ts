/**
 * Static checks (SPEC §4): unknown functions, wrong argument counts, unknown names and the
 * type errors visible before anything runs (`'a' * 2`, `NOT 'x'`, `LOWER(5)`). Types are
 * inferred bottom-up; what cannot be known (`data.*`, state fields) is 'any' and never flagged.
 */
import { didYouMean } from '../../config/didYouMean.js';
import { error, type Diagnostic, type SourceLocation } from '../../diagnostics.js';
import type { BinaryNode, CallNode, ExprNode, Span } from '../ast.js';
import { FUNCTIONS, paramKinds, type StaticType } from '../functions.js';
import { locate, sourceOf } from '../location.js';
import { ROOT_TYPES, type CheckScope } from './CheckScope.js';
import { checkName } from './checkName.js';

/** The located diagnostics of `ast` in `scope`; `at` is where the expression text starts. */
export function checkExpression(ast: ExprNode, scope: CheckScope, at?: SourceLocation): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const text = sourceOf(ast);
  const where = (span: Span) => locate(text, span, at);
  const typeError = (span: Span, message: string) => diagnostics.push(error('EXPR_TYPE', message, where(span)));

  const visit = (node: ExprNode): StaticType => {
    switch (node.kind) {
      case 'literal':
        return node.value === null ? 'null' : (typeof node.value as StaticType);
      case 'array':
        node.items.forEach(visit);
        return 'array';
      case 'path':
        diagnostics.push(...checkName(node, scope, where(node)));
        return node.segments.length === 0 && scope.roots.includes(node.name) ? (ROOT_TYPES[node.name] ?? 'any') : 'any';
      case 'unary': {
        const t = visit(node.operand);
        const wanted: StaticType = node.op === 'NOT' ? 'boolean' : 'number';
        if (known(t) && t !== wanted)
          typeError(node.operand, `${node.op === 'NOT' ? 'NOT' : 'unary -'} needs ${noun(wanted)}, not ${noun(t)}`);
        return wanted;
      }
      case 'binary':
        return binary(node, visit(node.left), visit(node.right));
      case 'isNull':
        visit(node.operand);
        return 'boolean';
      case 'in': {
        const t = visit(node.operand);
        for (const item of node.list) {
          const u = visit(item);
          if (known(t) && known(u) && t !== u) typeError(item, `${noun(u)} is never equal to ${noun(t)}`);
        }
        return 'boolean';
      }
      case 'call':
        return call(node, node.args.map(visit));
    }
  };

  const binary = (node: BinaryNode, l: StaticType, r: StaticType): StaticType => {
    const op = node.op;
    if (op === 'AND' || op === 'OR') {
      for (const [side, t] of [
        [node.left, l],
        [node.right, r],
      ] as const)
        if (known(t) && t !== 'boolean') typeError(side, `${op} needs a boolean on each side, not ${noun(t)}`);
      return 'boolean';
    }
    if (op === '+') {
      for (const [side, t] of [
        [node.left, l],
        [node.right, r],
      ] as const)
        if (known(t) && t !== 'number' && t !== 'string') typeError(side, `cannot add ${noun(t)} (+ adds numbers or joins two texts)`);
      if (known(l) && known(r) && l !== r && isAddable(l) && isAddable(r))
        typeError(node.opSpan, `cannot add ${noun(l)} and ${noun(r)}; use CONCAT to join text and numbers`);
      return l === 'string' || r === 'string' ? 'string' : l === 'number' || r === 'number' ? 'number' : 'any';
    }
    if (op === '-' || op === '*' || op === '/' || op === '%') {
      for (const [side, t] of [
        [node.left, l],
        [node.right, r],
      ] as const)
        if (known(t) && t !== 'number') typeError(side, `${op} needs numbers, not ${noun(t)}`);
      return 'number';
    }
    if (op === '=' || op === '!=') {
      if (known(l) && known(r) && l !== r)
        typeError(node.opSpan, `comparing ${noun(l)} with ${noun(r)} is always ${op === '=' ? 'false' : 'true'}`);
      return 'boolean';
    }
    for (const [side, t] of [
      [node.left, l],
      [node.right, r],
    ] as const)
      if (t === 'array' || t === 'object') typeError(side, `${op} compares numbers, texts or booleans, not ${noun(t)}`);
    if (known(l) && known(r) && l !== r && isScalar(l) && isScalar(r)) typeError(node.opSpan, `cannot order ${noun(l)} against ${noun(r)}`);
    return 'boolean';
  };

  const call = (node: CallNode, args: StaticType[]): StaticType => {
    const spec = FUNCTIONS[node.name];
    if (spec === undefined) {
      diagnostics.push(
        error('EXPR_UNKNOWN_NAME', `unknown function ${node.name}${didYouMean(node.name, Object.keys(FUNCTIONS))}`, where(node.nameSpan)),
      );
      return 'any';
    }
    if (args.length < spec.min || args.length > spec.max) {
      const count = spec.min === spec.max ? `${spec.min}` : spec.max === Infinity ? `at least ${spec.min}` : `${spec.min} to ${spec.max}`;
      diagnostics.push(
        error(
          'EXPR_ARITY',
          `${node.name} takes ${count} argument${count.endsWith(' 1') || count === '1' ? '' : 's'}, not ${args.length}: ${spec.signature}`,
          where(node),
        ),
      );
      return spec.returns === 'common' ? 'any' : spec.returns;
    }
    args.forEach((t, i) => {
      const kinds = paramKinds(spec, i);
      if (known(t) && !kinds.includes('any') && !kinds.includes(t))
        typeError(
          node.args[i]!,
          `${node.name} needs ${kinds.map(noun).join(' or ')} as argument ${i + 1}, not ${noun(t)}: ${spec.signature}`,
        );
    });
    if (node.name === 'CONTAINS' && args[0] === 'string' && known(args[1]!) && args[1] !== 'string')
      typeError(node.args[1]!, `CONTAINS in a text looks for a text, not ${noun(args[1]!)}`);
    if (spec.returns !== 'common') return spec.returns;
    const types = new Set(args.filter(known));
    if ((node.name === 'GREATEST' || node.name === 'LEAST') && types.size > 1)
      typeError(node, `${node.name} compares values of one kind, not ${[...types].map(noun).join(' and ')}`);
    if (types.size === 1 && !args.includes('any')) return [...types][0]!;
    return args.every((t) => t === 'null') ? 'null' : 'any';
  };

  visit(ast);
  return diagnostics;
}

/** A type the checker is sure of (not 'any', and not null, which every operator accepts). */
function known(t: StaticType): boolean {
  return t !== 'any' && t !== 'null';
}

function isAddable(t: StaticType): boolean {
  return t === 'number' || t === 'string';
}

function isScalar(t: StaticType): boolean {
  return t === 'number' || t === 'string' || t === 'boolean';
}

function noun(t: StaticType): string {
  return { number: 'a number', string: 'text', boolean: 'a boolean', array: 'an array', object: 'an object', null: 'null', any: 'a value' }[
    t
  ];
}
