/**
 * The AST of the expression language (SPEC §4). Every node keeps the offsets of the text it
 * came from (`start` inclusive, `end` exclusive) so the checker can point at it.
 */

/** A span of the expression text. */
export interface Span {
  start: number;
  end: number;
}

export type ExprNode = LiteralNode | ArrayNode | PathNode | UnaryNode | BinaryNode | IsNullNode | InNode | CallNode;

/** `'text'`, `12.5`, `true`, `false`, `null`. */
export interface LiteralNode extends Span {
  kind: 'literal';
  value: string | number | boolean | null;
}

/** `[a, b]`: a JSON array. */
export interface ArrayNode extends Span {
  kind: 'array';
  items: ExprNode[];
}

/** One step after the first name of a path: `.name`, `[0]`, `[-1]` or `['key']`. */
export type PathSegment = { kind: 'field'; name: string } | { kind: 'index'; index: number };

/**
 * `name`, `data.a.b`, `items[0]`: the first name is a root of the scope (`data`, `input`,
 * `aggregate_id`, …) or, when it is not one, a state field or row column.
 */
export interface PathNode extends Span {
  kind: 'path';
  name: string;
  segments: PathSegment[];
}

export type UnaryOp = 'NOT' | '-';

export interface UnaryNode extends Span {
  kind: 'unary';
  op: UnaryOp;
  operand: ExprNode;
}

/** Operators after normalisation: `==` is `=`, `<>` is `!=`, `&&` is AND, `||` is OR. */
export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '=' | '!=' | '<' | '<=' | '>' | '>=' | 'AND' | 'OR';

export interface BinaryNode extends Span {
  kind: 'binary';
  op: BinaryOp;
  left: ExprNode;
  right: ExprNode;
  /** Where the operator itself is written. */
  opSpan: Span;
}

/** `x IS NULL`, `x IS NOT NULL`. */
export interface IsNullNode extends Span {
  kind: 'isNull';
  operand: ExprNode;
  negated: boolean;
}

/** `x IN (a, b)`, `x NOT IN (a, b)`. */
export interface InNode extends Span {
  kind: 'in';
  operand: ExprNode;
  list: ExprNode[];
  negated: boolean;
}

/** `NAME(args)`; `name` is upper-cased (function names are case-insensitive). */
export interface CallNode extends Span {
  kind: 'call';
  name: string;
  args: ExprNode[];
  nameSpan: Span;
}
