/**
 * The .tsk lexer: Chevrotain's lexer plus the layout pass (grammar/layout.ts), which decides
 * which newlines matter and turns indentation, dash lists and unquoted lines into tokens.
 */
import { Lexer, type ILexingError, type IToken } from 'chevrotain';
import { Layout, layout, type LayoutNote } from './layout.js';
import { scanTsk } from './scanner.js';
import * as T from './tokens.js';
import { allTokens } from './tokens.js';

let shared: Lexer | undefined;

/**
 * The one shared Chevrotain lexer, built on first use (building it validates the token set,
 * ~20 ms of a server's start): text the scanner reads (grammar/scanner.ts) never needs it.
 */
export function tskLexer(): Lexer {
  return (shared ??= new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: true }));
}

export interface LexResult {
  tokens: IToken[];
  errors: ILexingError[];
  /** Remarks that are not errors (shown by `check` as notes). */
  notes: LayoutNote[];
}

/** Tokenizes .tsk text and applies the layout pass. */
export function lexTsk(text: string): LexResult {
  const result = tskLexer().tokenize(text);
  const errors = [...result.errors];
  const laid = layout(text, result.tokens, errors);
  return { tokens: laid.tokens, errors, notes: laid.notes };
}

/**
 * Characters lexed at a time by `lexInPieces` (a chunk then runs to the end of its line).
 * Small on purpose: a piece's tokens and CST must die before the young generation's next
 * scavenge; with 64 KB chunks they survived two and were promoted, and the old generation
 * grew to 3× the live heap (peak RSS 46× a 10 MB input; 14× with 8 KB, and half the CPU).
 */
export const CHUNK_CHARS = 1 << 13;
/** Tokens per piece at least (a piece ends at the last top-level line end of the chunk). */
export const PIECE_TOKENS = 256;

/**
 * Lexes and lays out a file chunk by chunk and hands the tokens on in pieces, each a run of
 * whole top-level statements, so that a large file's tokens are never alive at once (they
 * were 40× its size). A chunk is whole lines; a token that would run past a chunk (a string
 * or a comment over several lines) makes that chunk longer (`lexChunk`); any lexing or
 * layout error stops the run, and `onPiece` may stop it by returning false.
 * Returns the layout notes, or undefined when stopped: the caller then lexes the whole file
 * (`lexTsk`), which reports what is wrong. A piece ends after a line end outside brackets,
 * indented blocks and `name > … <` blocks, where the grammar's `file` loop is between
 * statements anyway, so the pieces parse exactly as the whole does.
 */
export function lexInPieces(
  text: string,
  onPiece: (tokens: IToken[]) => boolean,
  chunkChars = CHUNK_CHARS,
  pieceTokens = PIECE_TOKENS,
): LayoutNote[] | undefined {
  const errors: ILexingError[] = [];
  const pass = new Layout(text, errors);
  const cutter = new PieceCutter(pieceTokens);
  let from = 0;
  let lineBase = 0;
  while (from < text.length) {
    const { tokens, to } = lexChunk(text, from, chunkChars, lineBase);
    if (tokens === undefined) return undefined;
    const last = tokens[tokens.length - 1];
    if (last) lineBase = last.endLine!;
    from = to;
    pass.feed(tokens);
    if (errors.length > 0) return undefined;
    const cut = cutter.scan(pass.out, pass.settled());
    if (cut > 0 && !onPiece(pass.out.splice(0, cut))) return undefined;
  }
  pass.finish();
  if (errors.length > 0) return undefined;
  if (pass.out.length > 0 && !onPiece(pass.out)) return undefined;
  return pass.notes;
}

/**
 * Lexes whole lines from `from`, at least `size` characters, into tokens placed in the whole
 * text (`lineBase`: the lines before `from`). The hand-written scanner reads the chunk where it
 * is sure to read it as Chevrotain's lexer does (grammar/scanner.ts), the lexer the rest. A
 * chunk that ends inside a token (an unterminated string or comment, which may close in the
 * next lines) is lexed again twice as long; at the end of the text it is a real error: undefined.
 */
function lexChunk(text: string, from: number, size: number, lineBase: number): { tokens: IToken[] | undefined; to: number } {
  for (;;) {
    const nl = text.indexOf('\n', from + size);
    const to = nl < 0 ? text.length : nl + 1;
    const chunk = from === 0 && to === text.length ? text : text.slice(from, to);
    const scanned = scanTsk(chunk, from, lineBase);
    const tokens = scanned ?? lexed(chunk);
    const last = tokens?.[tokens.length - 1];
    const whole =
      tokens !== undefined &&
      (to === text.length || (last?.tokenType === T.Newline && last.endOffset === to - 1)) &&
      (scanned !== undefined || !tokens.some((t) => t.tokenType === T.BadString || t.tokenType === T.UnclosedComment)); // the scanner gives up on those
    if (whole) {
      if (scanned === undefined && from > 0) {
        for (const t of tokens) {
          t.startOffset += from;
          t.endOffset! += from;
          t.startLine! += lineBase;
          t.endLine! += lineBase;
        }
      }
      return { tokens, to };
    }
    if (to === text.length) return { tokens: undefined, to };
    size *= 2;
  }
}

/** Chevrotain's tokens of a chunk, or undefined on a lexing error. */
function lexed(chunk: string): IToken[] | undefined {
  const result = tskLexer().tokenize(chunk);
  return result.errors.length === 0 ? result.tokens : undefined;
}

/** Finds where to end a piece: after the last line end at the top level, once it holds `pieceTokens` tokens. */
class PieceCutter {
  private depth = 0;
  private angles = 0;
  /** Tokens of `out` already scanned (they stay at the front until taken). */
  private scanned = 0;
  /** A piece was taken: the token before `out[0]` was a line end. */
  private taken = false;

  constructor(private readonly pieceTokens: number) {}

  /** Scans the settled tokens of `out`; returns how many to take as a piece (0: none yet). */
  scan(out: IToken[], settled: number): number {
    let cut = 0;
    // out[i + 1] must be settled too: a `>` ending its line opens a block
    for (let i = this.scanned; i + 1 < settled; i++) {
      const t = out[i]!.tokenType;
      if (t === T.LCurly || t === T.LBracket || t === T.LParen || t === T.Indent) this.depth++;
      else if (t === T.RCurly || t === T.RBracket || t === T.RParen || t === T.Dedent) this.depth--;
      else if (t === T.Greater && out[i + 1]!.tokenType === T.Newline) {
        this.depth++; // `name >` at the end of its line opens a block …
        this.angles++;
      } else if (t === T.Less && this.angles > 0 && (i === 0 ? this.taken : out[i - 1]!.tokenType === T.Newline)) {
        this.depth--; // … and a `<` starting a line closes it (a cut misplaced by a miscount only fails the piece)
        this.angles--;
      } else if (t === T.Newline && this.depth === 0 && i + 1 >= this.pieceTokens) cut = i + 1;
      this.scanned = i + 1;
    }
    if (cut > 0) {
      this.scanned -= cut;
      this.taken = true;
    }
    return cut;
  }
}
