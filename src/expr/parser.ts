/**
 * `parseExpression`: text → AST (recursive descent, SQL precedence). Never throws: the first
 * syntax error becomes one located EXPR_SYNTAX diagnostic and no AST.
 *
 *   or        := and (OR and)*                      OR is also ||
 *   and       := not (AND not)*                     AND is also &&
 *   not       := NOT not | predicate                NOT is also !
 *   predicate := sum [cmp sum | IS [NOT] NULL | [NOT] IN '(' expr, … ')']
 *   sum       := product (('+'|'-') product)*
 *   product   := unary (('*'|'/'|'%') unary)*
 *   unary     := '-' unary | primary
 *   primary   := literal | '[' [expr, …] ']' | '(' expr ')' | NAME '(' [expr, …] ')' | path
 *   path      := NAME ('.' NAME | '[' ['-'] INTEGER ']' | '[' STRING ']')*
 */
import { error, type Diagnostic, type SourceLocation } from '../diagnostics.js';
import type { BinaryOp, ExprNode, PathSegment, Span } from './ast.js';
import { locate, rememberSource } from './location.js';
import { tokenize, type Token } from './tokens.js';

export interface ParseResult {
  ast: ExprNode | undefined;
  diagnostics: Diagnostic[];
}

// deeper nesting (or a longer operator chain) than this is not a hand-written expression, and
// must not overflow the stack of the parser, the checker or the compilers
const MAX_DEPTH = 100;
const MAX_TOKENS = 2000;
const COMPARISONS: Record<string, BinaryOp> = { '=': '=', '==': '=', '!=': '!=', '<>': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

class SyntaxFault extends Error {
  constructor(
    message: string,
    readonly span: Span,
  ) {
    super(message);
  }
}

/** Parses one expression; `at` is where its first character is written. */
export function parseExpression(text: string, at?: SourceLocation): ParseResult {
  const { tokens, error: lexError } = tokenize(text);
  const fail = (message: string, span: Span): ParseResult => ({
    ast: undefined,
    diagnostics: [error('EXPR_SYNTAX', message, locate(text, span, at))],
  });
  if (lexError) return fail(lexError.message, lexError);
  if (tokens.length > MAX_TOKENS) return fail(`expression longer than ${MAX_TOKENS} tokens`, tokens[MAX_TOKENS]!);
  try {
    const ast = new Parser(tokens).parseAll();
    rememberSource(ast, text);
    return { ast, diagnostics: [] };
  } catch (e) {
    if (e instanceof SyntaxFault) return fail(e.message, e.span);
    throw e;
  }
}

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parseAll(): ExprNode {
    if (this.peek().kind === 'eof') throw new SyntaxFault('empty expression', this.peek());
    const node = this.expr();
    const next = this.peek();
    if (next.kind !== 'eof') throw new SyntaxFault(`unexpected ${describe(next)} after a complete expression`, next);
    return node;
  }

  private expr(): ExprNode {
    if (++this.depth > MAX_DEPTH) throw new SyntaxFault(`expression nested more than ${MAX_DEPTH} levels deep`, this.peek());
    try {
      return this.or();
    } finally {
      this.depth--;
    }
  }

  private or(): ExprNode {
    let left = this.and();
    while (this.isKeyword('OR') || this.isOp('||')) {
      const op = this.next();
      left = binary('OR', left, this.and(), op);
    }
    return left;
  }

  private and(): ExprNode {
    let left = this.not();
    while (this.isKeyword('AND') || this.isOp('&&')) {
      const op = this.next();
      left = binary('AND', left, this.not(), op);
    }
    return left;
  }

  private not(): ExprNode {
    if (this.isKeyword('NOT') || this.isOp('!')) {
      const op = this.next();
      if (++this.depth > MAX_DEPTH) throw new SyntaxFault(`expression nested more than ${MAX_DEPTH} levels deep`, op);
      const operand = this.not();
      this.depth--;
      return { kind: 'unary', op: 'NOT', operand, start: op.start, end: operand.end };
    }
    return this.predicate();
  }

  private predicate(): ExprNode {
    const left = this.sum();
    const t = this.peek();
    const cmp = t.kind === 'op' ? COMPARISONS[t.text] : undefined;
    if (cmp) {
      this.next();
      return binary(cmp, left, this.sum(), t);
    }
    if (this.isKeyword('IS')) {
      this.next();
      const negated = this.isKeyword('NOT');
      if (negated) this.next();
      const nul = this.expectKeyword('NULL', negated ? 'NULL after IS NOT' : 'NULL or NOT NULL after IS');
      return { kind: 'isNull', operand: left, negated, start: left.start, end: nul.end };
    }
    const notIn = this.isKeyword('NOT') && this.peek(1).kind === 'keyword' && this.peek(1).text === 'IN';
    if (notIn || this.isKeyword('IN')) {
      if (notIn) this.next();
      this.next();
      this.expectOp('(', "'(' after IN");
      const list = this.list(')');
      if (list.items.length === 0) throw new SyntaxFault('IN needs at least one value', list.close);
      return { kind: 'in', operand: left, list: list.items, negated: notIn, start: left.start, end: list.close.end };
    }
    return left;
  }

  private sum(): ExprNode {
    let left = this.product();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next();
      left = binary(op.text as BinaryOp, left, this.product(), op);
    }
    return left;
  }

  private product(): ExprNode {
    let left = this.unary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = this.next();
      left = binary(op.text as BinaryOp, left, this.unary(), op);
    }
    return left;
  }

  private unary(): ExprNode {
    if (this.isOp('-')) {
      const op = this.next();
      if (++this.depth > MAX_DEPTH) throw new SyntaxFault(`expression nested more than ${MAX_DEPTH} levels deep`, op);
      const operand = this.unary();
      this.depth--;
      return { kind: 'unary', op: '-', operand, start: op.start, end: operand.end };
    }
    return this.primary();
  }

  private primary(): ExprNode {
    const t = this.next();
    if (t.kind === 'number' || t.kind === 'string') return { kind: 'literal', value: t.value!, start: t.start, end: t.end };
    if (t.kind === 'keyword') {
      if (t.text === 'TRUE' || t.text === 'FALSE') return { kind: 'literal', value: t.text === 'TRUE', start: t.start, end: t.end };
      if (t.text === 'NULL') return { kind: 'literal', value: null, start: t.start, end: t.end };
    }
    if (t.kind === 'op' && t.text === '(') {
      const inner = this.expr();
      const close = this.expectOp(')', `')' to close the '(' at offset ${t.start}`);
      return { ...inner, start: t.start, end: close.end };
    }
    if (t.kind === 'op' && t.text === '[') {
      const list = this.list(']');
      return { kind: 'array', items: list.items, start: t.start, end: list.close.end };
    }
    if (t.kind === 'name') {
      if (this.isOp('(')) {
        this.next();
        const list = this.list(')');
        return {
          kind: 'call',
          name: t.text.toUpperCase(),
          args: list.items,
          nameSpan: { start: t.start, end: t.end },
          start: t.start,
          end: list.close.end,
        };
      }
      return this.path(t);
    }
    throw new SyntaxFault(`expected a value but found ${describe(t)}`, t);
  }

  private path(first: Token): ExprNode {
    const segments: PathSegment[] = [];
    let end = first.end;
    while (this.isOp('.') || this.isOp('[')) {
      const t = this.next();
      if (t.text === '.') {
        const name = this.next();
        if (name.kind !== 'name' && name.kind !== 'keyword')
          throw new SyntaxFault(`expected a field name after '.' but found ${describe(name)}`, name);
        segments.push({ kind: 'field', name: name.kind === 'keyword' ? this.source(name) : name.text });
        end = name.end;
        continue;
      }
      const negative = this.isOp('-') ? this.next() : undefined;
      const key = this.next();
      if (key.kind === 'string' && !negative) segments.push({ kind: 'field', name: key.value as string });
      else if (key.kind === 'number' && Number.isSafeInteger(key.value) && /^\d+$/.test(key.text))
        segments.push({ kind: 'index', index: negative ? -(key.value as number) : (key.value as number) });
      else throw new SyntaxFault(`an index must be a whole number or a quoted key, not ${describe(key)}`, key);
      end = this.expectOp(']', "']' after the index").end;
    }
    return { kind: 'path', name: first.text, segments, start: first.start, end };
  }

  /** Comma-separated expressions up to `close` (already past the opener). */
  private list(close: string): { items: ExprNode[]; close: Token } {
    const items: ExprNode[] = [];
    if (this.isOp(close)) return { items, close: this.next() };
    while (true) {
      items.push(this.expr());
      if (this.isOp(',')) {
        this.next();
        continue;
      }
      return { items, close: this.expectOp(close, `',' or '${close}'`) };
    }
  }

  private source(t: Token): string {
    // keywords are upper-cased by the lexer; a field may still be called `flags.null`
    return typeof t.value === 'string' ? t.value : t.text;
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  private isOp(text: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === text;
  }

  private isKeyword(text: string): boolean {
    const t = this.peek();
    return t.kind === 'keyword' && t.text === text;
  }

  private expectOp(text: string, what: string): Token {
    if (!this.isOp(text)) throw new SyntaxFault(`expected ${what} but found ${describe(this.peek())}`, this.peek());
    return this.next();
  }

  private expectKeyword(text: string, what: string): Token {
    if (!this.isKeyword(text)) throw new SyntaxFault(`expected ${what} but found ${describe(this.peek())}`, this.peek());
    return this.next();
  }
}

function binary(op: BinaryOp, left: ExprNode, right: ExprNode, opToken: Token): ExprNode {
  return { kind: 'binary', op, left, right, opSpan: { start: opToken.start, end: opToken.end }, start: left.start, end: right.end };
}

function describe(t: Token): string {
  if (t.kind === 'eof') return 'the end of the expression';
  if (t.kind === 'string') return `text ${t.text}`;
  if (t.kind === 'number') return `number ${t.text}`;
  return `'${t.text}'`;
}
