/**
 * The located AST of a .tsk file: what the text says, with a SourceLocation on every node,
 * before variables and operators are resolved (that is `evaluate.ts`).
 */
import type { SourceLocation } from '../diagnostics.js';

export interface TskFileAst {
  kind: 'file';
  file: string;
  items: (EntryAst | SectionAst)[];
}

/** `[a.b]`: the entries that follow (up to the next header) go into object a.b. */
export interface SectionAst {
  kind: 'section';
  path: string[];
  /** `[[a.b]]`: each header adds a new object to the list a.b. */
  array?: boolean;
  location: SourceLocation;
  nameLocation: SourceLocation;
}

/** `key = value` (or a `$variable` definition when `variable` is true). */
export interface EntryAst {
  kind: 'entry';
  key: string;
  keyLocation: SourceLocation;
  variable: boolean;
  value: ValueAst;
  /** Written `name { … }` or `name > … <`, without `=` or `:` (a block statement). */
  block?: boolean;
  /** A bare dotted key (`default.active`): the path it nests under. */
  dotted?: string[];
}

export type ValueAst =
  | LiteralAst
  | ObjectAst
  | ArrayAst
  | VariableAst
  | OperatorAst
  | BinaryAst
  | ConditionalAst
  | UnaryAst
  | RangeAst
  | InvalidAst;

/** A string (quoted or a bare word), number, boolean or null. */
export interface LiteralAst {
  kind: 'literal';
  value: string | number | boolean | null;
  /** True for a bare word (`production`): a string the author did not quote. */
  bare?: boolean;
  location: SourceLocation;
}

export interface ObjectAst {
  kind: 'object';
  entries: EntryAst[];
  location: SourceLocation;
}

export interface ArrayAst {
  kind: 'array';
  items: ValueAst[];
  location: SourceLocation;
}

export interface VariableAst {
  kind: 'variable';
  name: string;
  /** `$db.host`, `$hosts[0]`: keys and indexes read from the variable's value. */
  access?: (string | number)[];
  location: SourceLocation;
}

/** `@name(args)`; `location` is the `@`. */
export interface OperatorAst {
  kind: 'operator';
  name: string;
  /** Written without `@` (`php(…)`): a function call tusk-es refuses. */
  bareCall?: boolean;
  args: ValueAst[];
  location: SourceLocation;
}

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';

/** `!x`, `-x`. */
export interface UnaryAst {
  kind: 'unary';
  op: '!' | '-';
  operand: ValueAst;
  location: SourceLocation;
}

/** A bare `8000-9000`: `{ min: 8000, max: 9000 }`. */
export interface RangeAst {
  kind: 'range';
  min: number;
  max: number;
  location: SourceLocation;
}

export interface BinaryAst {
  kind: 'binary';
  op: BinaryOp;
  left: ValueAst;
  right: ValueAst;
  location: SourceLocation;
}

export interface ConditionalAst {
  kind: 'conditional';
  test: ValueAst;
  then: ValueAst;
  else: ValueAst;
  location: SourceLocation;
}

/** A value the parser could not read (already reported); evaluates to null. */
export interface InvalidAst {
  kind: 'invalid';
  location: SourceLocation;
}
