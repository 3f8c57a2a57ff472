/**
 * `parseTsk`: text → located AST plus syntax diagnostics. Never throws: lexer and parser
 * errors (Chevrotain recovers and keeps going) become one-line located diagnostics.
 */
import { EOF, type IToken } from 'chevrotain';
import { error, note, sortDiagnostics, type Diagnostic, type SourceLocation } from '../diagnostics.js';
import { lexInPieces, lexTsk } from '../../grammar/lexer.js';
import { binaryTokens, parsePiece, parseTokens } from '../../grammar/parser.js';
import { Comma, LBracket, LCurly, LParen, Newline, Question, RBracket, RCurly, RParen, Semicolon } from '../../grammar/tokens.js';
import type { TskFileAst } from './ast.js';
import { parseItemsDirect } from './directParse.js';
import { AstBuilder } from './visitor.js';

export interface ParseTskResult {
  /** With a sink and no syntax error, it holds no items: they went to the sink (`streamed`). */
  ast: TskFileAst | undefined;
  /** The items went to the sink, piece by piece. */
  streamed?: boolean;
  diagnostics: Diagnostic[];
  /** True for a line in a statement that failed to parse (its other findings are cascades). */
  broken?: (line: number) => boolean;
}

/** Takes the top-level items of a file as they are parsed (see `parseTsk`). */
export interface ItemSink {
  items(items: TskFileAst['items']): void;
  /** The file has a syntax error after all: forget the items taken; the whole AST is returned instead. */
  restart(): void;
}

/**
 * Parses .tsk text; `file` is only used in locations. Never throws. With a sink, the items of
 * a file without syntax errors go to it piece by piece (so a large file's AST need not be
 * alive at once) and the result is `streamed`.
 */
export function parseTsk(text: string, file: string, sink?: ItemSink): ParseTskResult {
  const diagnostics: Diagnostic[] = [];
  try {
    const fast = parseFast(text, file, sink);
    if (fast) return fast;
    sink?.restart();
    const lexed = lexTsk(text);
    for (const e of lexed.errors) {
      const ch = text.slice(e.offset, e.offset + Math.min(e.length, 20));
      // the layout pass's own errors carry their message; Chevrotain's say "unexpected character: ->x<-"
      const message = e.message.startsWith('unexpected character:') ? `unexpected character${e.length > 1 ? 's' : ''} '${ch}'` : e.message;
      diagnostics.push(error('TSK_SYNTAX', message, { file, line: e.line ?? 1, column: e.column ?? 1 }));
    }
    for (const n of lexed.notes) diagnostics.push(note('TSK_COMMENT_IN_VALUE', n.message, { file, line: n.line, column: n.column }));
    const deep = tooComplex(lexed.tokens);
    if (deep) {
      diagnostics.push(error('TSK_SYNTAX', deep.message, { file, line: deep.token.startLine ?? 1, column: deep.token.startColumn ?? 1 }));
      return { ast: undefined, diagnostics: diagnostics.map(oneLine) };
    }
    const builderDiags: Diagnostic[] = [];
    const builder = new AstBuilder(file, builderDiags);
    const parsed = parseTokens(lexed.tokens);
    for (const e of parsed.errors) {
      const tok = e.token;
      const atEof = tok.tokenType === EOF || !Number.isFinite(tok.startLine);
      const prev = (e as { previousToken?: IToken }).previousToken;
      const location: SourceLocation = atEof
        ? prev && !atEofToken(prev)
          ? afterToken(prev, file)
          : endOf(text, file)
        : { file, line: tok.startLine!, column: tok.startColumn! };
      const d = error('TSK_SYNTAX', e.message, location);
      if (atEof) {
        const opener = unclosed(lexed.tokens);
        if (opener)
          d.related = [
            {
              message: `'${opener.image}' opened here is never closed`,
              location: { file, line: opener.startLine!, column: opener.startColumn! },
            },
          ];
      }
      diagnostics.push(d);
    }
    const ast = builder.fileAst(parsed.cst);
    diagnostics.push(...builderDiags);
    return finish(ast, diagnostics, text);
  } catch (err) {
    // a bug, not bad input: still report it as a located diagnostic instead of crashing
    diagnostics.push(
      error('TSK_SYNTAX', `internal parser error: ${err instanceof Error ? err.message : String(err)}`, { file, line: 1, column: 1 }),
    );
    return { ast: undefined, diagnostics };
  }
}

/**
 * The fast path for a file without syntax errors: lexed, laid out and parsed piece by piece
 * (`lexInPieces`), so neither its tokens nor its CST are ever alive whole. Undefined at the
 * first problem of any kind; `parseTsk` then goes over the whole file with error recovery.
 */
function parseFast(text: string, file: string, sink: ItemSink | undefined): ParseTskResult | undefined {
  const diagnostics: Diagnostic[] = [];
  const builder = new AstBuilder(file, diagnostics);
  const items: TskFileAst['items'] = [];
  const notes = lexInPieces(text, (tokens) => {
    if (tooComplex(tokens)) return false;
    let pieceItems = parseItemsDirect(tokens, builder);
    if (!pieceItems) {
      // what the direct reading gives up on (strays, `- ` items out of place) the grammar reports
      const cst = parsePiece(tokens);
      if (!cst) return false;
      pieceItems = builder.fileAst(cst).items;
    }
    if (sink) sink.items(pieceItems);
    else for (const item of pieceItems) items.push(item);
    return true;
  });
  if (!notes) return undefined;
  for (const n of notes) diagnostics.push(note('TSK_COMMENT_IN_VALUE', n.message, { file, line: n.line, column: n.column }));
  const result = finish({ kind: 'file', file, items }, diagnostics, text);
  return sink ? { ...result, streamed: true } : result;
}

/** The result, with one diagnostic per fault (no cascades). */
function finish(ast: TskFileAst, diagnostics: Diagnostic[], text: string): ParseTskResult {
  const regions: [number, number][] = [];
  const kept = resync(onePerLine(diagnostics), text, regions);
  const broken = (line: number) => regions.some(([from, to]) => line >= from && line <= to);
  return { ast, diagnostics: kept.map(oneLine), broken };
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
const OPERATORS = new Set(binaryTokens);
const SEPARATORS = new Set([Newline, Comma, Semicolon]);

/** What `tooComplex` counts a token as, by its type's index (a table: one look-up per token of a large file). */
const Kind = { Other: 0, Opener: 1, Closer: 2, Separator: 3, Question: 4, Operator: 5 } as const;
const KINDS: number[] = [];
for (const [set, kind] of [
  [OPENERS, Kind.Opener],
  [CLOSERS, Kind.Closer],
  [SEPARATORS, Kind.Separator],
  [new Set([Question]), Kind.Question],
  [OPERATORS, Kind.Operator],
] as const) {
  for (const t of set) KINDS[t.tokenTypeIdx!] = kind;
}

/** The first token that makes the input too deeply nested or too long an expression. */
function tooComplex(tokens: IToken[]): { token: IToken; message: string } | undefined {
  let depth = 0;
  let ternaries = 0;
  let operators = 0;
  for (const t of tokens) {
    const kind = KINDS[t.tokenType.tokenTypeIdx!] ?? Kind.Other;
    if (kind === Kind.Other) continue;
    if (kind === Kind.Opener) depth++;
    else if (kind === Kind.Closer) depth = Math.max(0, depth - 1);
    else if (kind === Kind.Separator) ternaries = operators = 0;
    else if (kind === Kind.Question) ternaries++;
    else operators++;
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

/**
 * No cascades: after a syntax error, the lines indented deeper than its line belong to the
 * statement that failed (a function body pasted into a config, a broken block), so their
 * syntax errors are dropped until a line comes back to the same indent or shallower.
 */
function resync(diags: Diagnostic[], text: string, regions: [number, number][]): Diagnostic[] {
  if (!diags.some((d) => d.code === 'TSK_SYNTAX' && d.location)) return diags; // nothing to resync after
  const starts = lineStarts(text);
  const indentOf = (line: number): number | undefined => {
    const from = starts[line - 1];
    if (from === undefined) return undefined;
    let i = from;
    while (text[i] === ' ' || text[i] === '\t') i++;
    return i >= text.length || text[i] === '\n' || text[i] === '\r' ? undefined : i - from; // blank lines do not count
  };
  const out: Diagnostic[] = [];
  let failed: { line: number; indent: number } | undefined;
  let scanned = 0;
  for (const d of diags) {
    if (d.code !== 'TSK_SYNTAX' || !d.location) {
      out.push(d);
      continue;
    }
    const line = d.location.line;
    if (failed) {
      // has a line between the failed one and this one come back to its indent?
      for (let l = Math.max(scanned, failed.line) + 1; l <= line && failed; l++) {
        const ind = indentOf(l);
        // a closing bracket at the failed line's indent still belongs to it (`function f() {` … `}`)
        if (ind !== undefined && (ind < failed.indent || (ind === failed.indent && !CLOSING.has(text[starts[l - 1]! + ind]!)))) {
          regions.push([failed.line, l - 1]);
          failed = undefined;
        }
        scanned = l;
      }
      if (failed) continue;
    }
    out.push(d);
    failed = { line, indent: indentOf(line) ?? 0 };
    scanned = line;
  }
  if (failed) {
    // the last failed statement runs to its first line back at its indent (or the end)
    let end = failed.line;
    for (let l = failed.line + 1; l <= starts.length; l++) {
      const ind = indentOf(l);
      if (ind !== undefined && (ind < failed.indent || (ind === failed.indent && !CLOSING.has(text[starts[l - 1]! + ind]!)))) break;
      end = l;
    }
    regions.push([failed.line, end]);
  }
  return out;
}

const CLOSING = new Set(['}', ']', ')', '<']);

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}
