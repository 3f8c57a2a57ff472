/**
 * `parseTsk`: text → located AST plus syntax diagnostics. Never throws: lexer and parser
 * errors (Chevrotain recovers and keeps going) become one-line located diagnostics.
 */
import { EOF, type IToken } from 'chevrotain';
import { error, sortDiagnostics, type Diagnostic, type SourceLocation } from '../diagnostics.js';
import { lexTsk } from '../../grammar/lexer.js';
import { parseTokens } from '../../grammar/parser.js';
import { Comma, EqEq, Greater, GreaterEq, LBracket, LCurly, Less, LessEq, LParen, Newline, NotEq, Plus, Question, RBracket, RCurly, RParen, Semicolon } from '../../grammar/tokens.js';
import type { TskFileAst } from './ast.js';
import { AstBuilder } from './visitor.js';

export interface ParseTskResult {
  ast: TskFileAst | undefined;
  diagnostics: Diagnostic[];
}

/** Parses .tsk text; `file` is only used in locations. Never throws. */
export function parseTsk(text: string, file: string): ParseTskResult {
  const diagnostics: Diagnostic[] = [];
  try {
    const lexed = lexTsk(text);
    for (const e of lexed.errors) {
      const ch = text.slice(e.offset, e.offset + Math.min(e.length, 20));
      diagnostics.push(error('TSK_SYNTAX', `unexpected character${e.length > 1 ? 's' : ''} '${ch}'`, { file, line: e.line ?? 1, column: e.column ?? 1 }));
    }
    const deep = tooComplex(lexed.tokens);
    if (deep) {
      diagnostics.push(error('TSK_SYNTAX', deep.message, { file, line: deep.token.startLine ?? 1, column: deep.token.startColumn ?? 1 }));
      return { ast: undefined, diagnostics: diagnostics.map(oneLine) };
    }
    const parsed = parseTokens(lexed.tokens);
    for (const e of parsed.errors) {
      const tok = e.token;
      const atEof = tok.tokenType === EOF || !Number.isFinite(tok.startLine);
      const prev = (e as { previousToken?: IToken }).previousToken;
      const location: SourceLocation = atEof ? (prev && !atEofToken(prev) ? afterToken(prev, file) : endOf(text, file)) : { file, line: tok.startLine!, column: tok.startColumn! };
      const d = error('TSK_SYNTAX', e.message, location);
      if (atEof) {
        const opener = unclosed(lexed.tokens);
        if (opener) d.related = [{ message: `'${opener.image}' opened here is never closed`, location: { file, line: opener.startLine!, column: opener.startColumn! } }];
      }
      diagnostics.push(d);
    }
    const builderDiags: Diagnostic[] = [];
    const ast = new AstBuilder(file, builderDiags).fileAst(parsed.cst);
    diagnostics.push(...builderDiags);
    return { ast, diagnostics: onePerLine(diagnostics).map(oneLine) };
  } catch (err) {
    // a bug, not bad input: still report it as a located diagnostic instead of crashing
    diagnostics.push(error('TSK_SYNTAX', `internal parser error: ${err instanceof Error ? err.message : String(err)}`, { file, line: 1, column: 1 }));
    return { ast: undefined, diagnostics };
  }
}

/** Messages quote user text (names, keys) that may hold line breaks; keep each on one line. */
export function oneLine(d: Diagnostic): Diagnostic {
  const flat = (s: string) => s.replace(/\r\n|\r|\n/g, '\\n');
  const related = d.related?.some((r) => /[\r\n]/.test(r.message));
  if (!/[\r\n]/.test(d.message) && !related) return d;
  return { ...d, message: flat(d.message), ...(d.related ? { related: d.related.map((r) => ({ ...r, message: flat(r.message) })) } : {}) };
}

function atEofToken(tok: IToken): boolean {
  return tok.tokenType === EOF || !Number.isFinite(tok.startLine);
}

function afterToken(tok: IToken, file: string): SourceLocation {
  return { file, line: tok.endLine ?? tok.startLine!, column: (tok.endColumn ?? tok.startColumn!) + 1 };
}

/** The position just after the last character, for "unexpected end of file". */
function endOf(text: string, file: string): SourceLocation {
  const lines = text.split(/\r?\n|\r/);
  const last = lines[lines.length - 1] ?? '';
  return { file, line: lines.length, column: last.length + 1 };
}

/** Nesting (brackets and `?` within one entry) beyond this is refused: no config needs it, and
 * the recursive-descent parser and evaluator would run out of stack. */
export const MAX_NESTING = 100;
/** Binary operators in one entry beyond this are refused, for the same reason. */
export const MAX_OPERATORS = 500;

const OPENERS = new Set([LCurly, LBracket, LParen]);
const CLOSERS = new Set([RCurly, RBracket, RParen]);
const OPERATORS = new Set([Plus, EqEq, NotEq, LessEq, GreaterEq, Less, Greater]);
const SEPARATORS = new Set([Newline, Comma, Semicolon]);

/** The first token that makes the input too deeply nested or too long an expression. */
function tooComplex(tokens: IToken[]): { token: IToken; message: string } | undefined {
  let depth = 0;
  let ternaries = 0;
  let operators = 0;
  for (const t of tokens) {
    const type = t.tokenType;
    if (OPENERS.has(type)) depth++;
    else if (CLOSERS.has(type)) depth = Math.max(0, depth - 1);
    else if (SEPARATORS.has(type)) ternaries = operators = 0;
    else if (type === Question) ternaries++;
    else if (OPERATORS.has(type)) operators++;
    if (depth + ternaries > MAX_NESTING) return { token: t, message: `nested more than ${MAX_NESTING} levels deep` };
    if (operators > MAX_OPERATORS) return { token: t, message: `more than ${MAX_OPERATORS} operators in one value` };
  }
  return undefined;
}

/** The innermost `{` or `[` that is never closed, to point an end-of-file error at it. */
function unclosed(tokens: IToken[]): IToken | undefined {
  const stack: IToken[] = [];
  for (const t of tokens) {
    if (t.tokenType === LCurly || t.tokenType === LBracket) stack.push(t);
    else if (t.tokenType === RCurly || t.tokenType === RBracket) {
      const want = t.tokenType === RCurly ? LCurly : LBracket;
      for (let i = stack.length - 1; i >= 0; i--) {
        if (stack[i]!.tokenType === want) {
          stack.length = i;
          break;
        }
      }
    }
  }
  return stack[stack.length - 1];
}

/**
 * One syntax error usually cascades into more on the same line; keeping the first per line
 * gives one diagnostic per fault.
 */
function onePerLine(diags: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of sortDiagnostics(diags)) {
    if (d.code === 'TSK_SYNTAX' && d.location) {
      const k = `${d.location.file}:${d.location.line}`;
      if (seen.has(k)) continue;
      seen.add(k);
    }
    out.push(d);
  }
  return out;
}
