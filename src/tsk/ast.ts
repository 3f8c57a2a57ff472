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
}

export type ValueAst =
  | LiteralAst
  | ObjectAst
  | ArrayAst
  | VariableAst
  | OperatorAst
  | BinaryAst
  | ConditionalAst
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
  location: SourceLocation;
}

/** `@name(args)`; `location` is the `@`. */
export interface OperatorAst {
  kind: 'operator';
  name: string;
  args: ValueAst[];
  location: SourceLocation;
}

export type BinaryOp = '+' | '==' | '!=' | '<' | '<=' | '>' | '>=';

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
