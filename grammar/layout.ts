/**
 * The layout pass between the lexer and the parser. It decides which newlines matter
 * (noise after an opening bracket or a comma, before a closing bracket, inside parentheses,
 * when repeated), and turns TuskLang's line-based forms into tokens the grammar can read:
 * - `key:` at the end of a line followed by deeper lines: Indent … Dedent around them
 *   (nothing deeper: a Null token, so `key:` alone is null);
 * - `- ` at the start of a line: a Dash; `- key: value` also opens an Indent at the key's
 *   column, so the item's later keys line up under it;
 * - an unquoted value that runs to the end of the line (`Hello World`, a URL, `Zürich`):
 *   one BareText token;
 * - `$a-1`: the `-1` after an operand is a minus and a number.
 * Keeping this out of the grammar keeps the grammar free of "optional newline" clutter.
 */
import { createTokenInstance, type ILexingError, type IToken, type TokenType } from 'chevrotain';
import { TokenSet } from './tokenSet.js';
import * as T from './tokens.js';

interface Block {
  /** Column (0-based) of the block's lines. */
  indent: number;
  /** Column of the key (or dash) that opened it: where the next sibling line starts. */
  parent: number;
  /** Brackets open when it opened: only lines at that depth count for indentation. */
  depth: number;
  /** The first line's leading whitespace, to catch tabs mixed with spaces. */
  ws: string;
  mixedReported: boolean;
}

const KEYS = new TokenSet([T.Word, T.DoubleString, T.SingleString, T.NumberLit, T.True, T.False, T.Null]);
const OPERAND_END = new TokenSet([
  T.Word,
  T.NumberLit,
  T.DoubleString,
  T.SingleString,
  T.TripleString,
  T.TripleSingleString,
  T.Variable,
  T.RParen,
  T.True,
  T.False,
  T.Null,
  T.BareText,
]);
const CLOSERS = new TokenSet([T.RCurly, T.RBracket, T.RParen]);
const PROSE_START = new TokenSet([T.Word, T.True, T.False, T.Null]);
const URL = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s#]*/;
/** What makes a line structure, not prose: brackets, quotes, operators, separators. */
const NOT_PROSE = /[{}[\]()"'=?+<>,;$@`]|&&|\|\||\/\*/;
/** `a: b c: d` is two entries today; keep reading it so. */
const SECOND_ENTRY = /\s[A-Za-z0-9_][\w.-]*:(?:\s|$)/;

/** The tokens the parser reads; problems found on the way are added to `errors`. */
export function layout(text: string, tokens: IToken[], errors: ILexingError[]): { tokens: IToken[]; notes: LayoutNote[] } {
  const pass = new Layout(text, errors);
  pass.feed(tokens);
  pass.finish();
  return { tokens: pass.out, notes: pass.notes };
}

/** A remark that is not an error (a URL cut at `#`). */
export interface LayoutNote {
  offset: number;
  line: number;
  column: number;
  message: string;
}

/**
 * The pass itself. It can be fed the tokens of a file in runs of whole lines (`feed`, then
 * `finish`), so a large file is never tokenized whole (grammar/lexer.ts `lexInPieces`): the
 * tokens it looks at around one token are always on that token's line, and only the run of
 * line ends at the end of `out` can still change (see `settled`).
 */
export class Layout {
  /** The tokens for the parser so far; a caller may take them from the front once settled. */
  readonly out: IToken[] = [];
  readonly notes: LayoutNote[] = [];
  private readonly open: string[] = [];
  private readonly blocks: Block[] = [];
  /** A `key:` that ended its line: a block if the next line is deeper, else null. */
  private pending: { keyColumn: number; depth: number } | undefined;
  /** The run being fed, and the last token of the run before it. */
  private tokens: IToken[] = [];
  private before: IToken | undefined;

  constructor(
    private readonly text: string,
    private readonly errors: ILexingError[],
  ) {}

  /** How many tokens at the front of `out` no later token can change: all but the trailing line ends. */
  settled(): number {
    let n = this.out.length;
    while (n > 0 && this.out[n - 1]!.tokenType === T.Newline) n--;
    return n;
  }

  /** Lays out the next run of tokens (whole lines: a run ends with a line end, or the file does). */
  feed(tokens: IToken[]): void {
    this.tokens = tokens;
    const { out } = this;
    for (let i = 0; i < tokens.length; i++) {
      let tok = tokens[i]!;
      const type = tok.tokenType;
      if (type === T.UnclosedComment) {
        this.error(tok, 2, "'/*' comment is never closed");
        continue;
      }
      if (type === T.Newline) {
        this.newline(tok);
        continue;
      }
      const prev = i > 0 ? tokens[i - 1] : this.before;
      if (prev === undefined || prev.tokenType === T.Newline) this.lineStart(tok);
      if (CLOSERS.has(type)) this.closer();
      else if (type === T.Comma) this.trimNewlines();
      if (type === T.Minus && (prev === undefined || prev.tokenType === T.Newline) && /[ \t]/.test(this.text[tok.endOffset! + 1] ?? '')) {
        tok = this.dash(tok, tokens[i + 1], tokens[i + 2]);
      }
      if (this.atValueStart(tok)) {
        const skip = this.prose(i);
        if (skip > i) {
          i = skip;
          continue;
        }
      }
      if (type === T.NumberLit && tok.image.startsWith('-') && this.afterOperand(tok)) {
        out.push(this.make(T.Minus, '-', tok.startOffset, tok));
        out.push(this.make(T.NumberLit, tok.image.slice(1), tok.startOffset + 1, tok));
        continue;
      }
      if (type === T.LParen) this.open.push('(');
      else if (type === T.LCurly) this.open.push('{');
      else if (type === T.LBracket) this.open.push('[');
      else if (CLOSERS.has(type)) {
        const want = type === T.RParen ? '(' : type === T.RCurly ? '{' : '[';
        const at = this.open.lastIndexOf(want);
        if (at >= 0) this.open.length = at; // a stray closer leaves the stack alone
      }
      out.push(tok);
    }
    if (tokens.length > 0) this.before = tokens[tokens.length - 1];
  }

  /** After the last run: a `key:` at the very end is null, open blocks close. */
  finish(): void {
    const { out } = this;
    this.resolvePending();
    if (out.length > 0 && out[out.length - 1]!.tokenType === T.Colon && this.keyAtLineStart(out.length - 2))
      out.push(this.make(T.Null, '', out[out.length - 1]!.endOffset! + 1, out[out.length - 1]!));
    this.trimNewlines();
    while (this.blocks.pop()) out.push(this.virtual(T.Dedent));
  }

  private newline(tok: IToken): void {
    const { out } = this;
    if (this.open[this.open.length - 1] === '(') return;
    const pt = out[out.length - 1]?.tokenType;
    if (pt === undefined || pt === T.Newline || pt === T.LCurly || pt === T.LBracket || pt === T.Comma || pt === T.Indent) return;
    if (pt === T.Colon && this.open[this.open.length - 1] !== '[' && this.keyAtLineStart(out.length - 2)) {
      this.pending = { keyColumn: out[out.length - 2]!.startColumn! - 1, depth: this.open.length };
    }
    out.push(tok);
  }

  /** The first token of a line: open a pending block, close blocks it is shallower than. */
  private lineStart(tok: IToken): void {
    if (this.pending === undefined && this.blocks.length === 0) return; // brace and section styles: nothing to do
    const indent = tok.startColumn! - 1;
    const ws = this.text.slice(tok.startOffset - indent, tok.startOffset);
    const pending = this.pending;
    if (pending) {
      this.pending = undefined;
      if (indent > pending.keyColumn && this.open.length === pending.depth && !CLOSERS.has(tok.tokenType)) {
        this.trimNewlines();
        this.out.push(this.virtual(T.Indent, tok));
        this.blocks.push({ indent, parent: pending.keyColumn, depth: this.open.length, ws, mixedReported: false });
        if (/^(?: +\t|\t+ )/.test(ws)) this.mixed(tok, this.blocks[this.blocks.length - 1]!);
        return;
      }
      this.insertBeforeNewlines(this.make(T.Null, '', this.out[this.out.length - 2]!.endOffset! + 1, this.out[this.out.length - 2]!));
    }
    let top = this.blocks[this.blocks.length - 1];
    const blank = /^[ \t]*$/.test(ws);
    const mixed = top !== undefined && top.depth === this.open.length && blank && ws.length > 0 && [...ws].some((c) => c !== top!.ws[0]);
    if (mixed && !top!.mixedReported) this.mixed(tok, top!);
    let popped: Block | undefined;
    while (top && top.depth === this.open.length && indent < top.indent) {
      popped = this.blocks.pop();
      this.insertBeforeNewlines(this.virtual(T.Dedent, tok));
      top = this.blocks[this.blocks.length - 1];
    }
    if (popped && indent !== popped.parent && blank && !mixed && !CLOSERS.has(tok.tokenType) && tok.tokenType !== T.Less) {
      this.error(
        tok,
        1,
        `this line is indented ${indent} column${indent === 1 ? '' : 's'}, which matches no enclosing block (the block above is at ${popped.indent}, its key at ${popped.parent})`,
      );
    }
  }

  private mixed(tok: IToken, block: Block): void {
    block.mixedReported = true;
    const kind = block.ws.startsWith('\t') ? 'tabs' : 'spaces';
    this.error(
      tok,
      1,
      `tabs and spaces mixed in one indented block (it is indented with ${kind}): indent every line of a block the same way`,
    );
  }

  /** Before `}`, `]` or `)`: close the indented blocks opened inside the bracket. */
  private closer(): void {
    this.resolvePending();
    this.trimNewlines();
    let top = this.blocks[this.blocks.length - 1];
    while (top && top.depth >= this.open.length && this.open.length > 0) {
      this.blocks.pop();
      this.out.push(this.virtual(T.Dedent));
      top = this.blocks[this.blocks.length - 1];
    }
  }

  /** A pending `key:` with nothing on its next line: the key is null. */
  private resolvePending(): void {
    if (!this.pending) return;
    this.pending = undefined;
    const colon = this.out[this.out.length - 2]!;
    this.insertBeforeNewlines(this.make(T.Null, '', colon.endOffset! + 1, colon));
  }

  /** `- ` at the start of a line; `- key: …` also opens a block at the key's column. */
  private dash(minus: IToken, next: IToken | undefined, after: IToken | undefined): IToken {
    const dash = this.make(T.Dash, '-', minus.startOffset, minus);
    const opensObject =
      next !== undefined &&
      after !== undefined &&
      KEYS.has(next.tokenType) &&
      next.startLine === minus.startLine &&
      (after.tokenType === T.Colon || after.tokenType === T.Assign) &&
      after.startLine === minus.startLine;
    if (!opensObject) return dash;
    this.out.push(dash);
    const column = next.startColumn! - 1;
    this.blocks.push({ indent: column, parent: minus.startColumn! - 1, depth: this.open.length, ws: ' ', mixedReported: true });
    return this.virtual(T.Indent, next);
  }

  /** True when `tok` starts the value of a `key:` / `key =` at the start of a line, or of a `- ` item. */
  private atValueStart(tok: IToken): boolean {
    if (!PROSE_START.has(tok.tokenType)) return false;
    const { out } = this;
    const p = out[out.length - 1];
    if (!p || p.startLine !== tok.startLine) return false;
    if (p.tokenType === T.Dash) return true;
    return (p.tokenType === T.Colon || p.tokenType === T.Assign) && this.keyAtLineStart(out.length - 2);
  }

  private keyAtLineStart(idx: number): boolean {
    const key = this.out[idx];
    if (!key || !KEYS.has(key.tokenType)) return false;
    const before = this.out[idx - 1];
    return (
      before === undefined || before.tokenType === T.Newline || before.tokenType === T.Indent || key.startLine! > (before.endLine ?? 0)
    );
  }

  /**
   * An unquoted value to the end of the line: one BareText token, when the tokens would not
   * read as one value. Returns the index of the last token it replaces, or `i` when it is not one.
   */
  private prose(i: number): number {
    const tok = this.tokens[i]!;
    const next = this.tokens[i + 1];
    const oneToken = next === undefined || next.tokenType === T.Newline || next.startLine !== tok.startLine;
    if (oneToken && this.errors.length === 0) return i; // the common case: `key = word`
    let lineEnd = this.text.indexOf('\n', tok.startOffset);
    if (lineEnd < 0) lineEnd = this.text.length;
    const errorInside = this.errors.some((e) => e.offset > tok.startOffset && e.offset < lineEnd);
    if (oneToken && !errorInside) return i;
    const raw = this.text.slice(tok.startOffset, lineEnd).replace(/\r$/, '');
    let value: string;
    const url = URL.exec(raw);
    if (url) {
      const rest = raw.slice(url[0].length);
      if (!/^\s*(?:$|#|\/\/)/.test(rest)) return i;
      value = url[0];
      if (rest.startsWith('#')) {
        this.notes.push({
          offset: tok.startOffset + value.length,
          line: tok.startLine!,
          column: tok.startColumn! + value.length,
          message: `'#' starts a comment, so the URL ends before it: quote the URL ("${value}#…") to keep its fragment`,
        });
      }
    } else {
      const cut = raw.search(/#|(?<!:)\/\//);
      value = (cut >= 0 ? raw.slice(0, cut) : raw).trimEnd();
      if (NOT_PROSE.test(value) || SECOND_ENTRY.test(value)) return i;
    }
    const end = tok.startOffset + value.length;
    for (let k = this.errors.length - 1; k >= 0; k--) {
      const e = this.errors[k]!;
      if (e.offset >= tok.startOffset && e.offset < end) this.errors.splice(k, 1);
    }
    this.out.push(
      createTokenInstance(
        T.BareText,
        value,
        tok.startOffset,
        end - 1,
        tok.startLine!,
        tok.startLine!,
        tok.startColumn!,
        tok.startColumn! + value.length - 1,
      ),
    );
    let j = i;
    while (j + 1 < this.tokens.length && this.tokens[j + 1]!.tokenType !== T.Newline && this.tokens[j + 1]!.startOffset < lineEnd) j++;
    return j;
  }

  /** A `-1` right after an operand on its line (outside an array, where `[1 -2]` is two items). */
  private afterOperand(tok: IToken): boolean {
    const p = this.out[this.out.length - 1];
    return p !== undefined && OPERAND_END.has(p.tokenType) && p.endLine === tok.startLine && this.open[this.open.length - 1] !== '[';
  }

  private trimNewlines(): void {
    const { out } = this;
    while (out.length > 0 && out[out.length - 1]!.tokenType === T.Newline) out.pop();
  }

  private insertBeforeNewlines(tok: IToken): void {
    const { out } = this;
    let at = out.length;
    while (at > 0 && out[at - 1]!.tokenType === T.Newline) at--;
    out.splice(at, 0, tok);
  }

  private make(type: TokenType, image: string, offset: number, like: IToken): IToken {
    const col = like.startColumn! + (offset - like.startOffset);
    return createTokenInstance(
      type,
      image,
      offset,
      offset + Math.max(image.length, 1) - 1,
      like.startLine!,
      like.startLine!,
      col,
      col + Math.max(image.length, 1) - 1,
    );
  }

  /** A zero-width token at `at` (or just after the last token). */
  private virtual(type: TokenType, at?: IToken): IToken {
    const ref = at ?? this.out[this.out.length - 1] ?? this.tokens[this.tokens.length - 1] ?? this.before;
    if (!ref) return createTokenInstance(type, '', 0, 0, 1, 1, 1, 1);
    const offset = at ? ref.startOffset : ref.endOffset! + 1;
    const line = at ? ref.startLine! : ref.endLine!;
    const col = at ? ref.startColumn! : ref.endColumn! + 1;
    return createTokenInstance(type, '', offset, offset, line, line, col, col);
  }

  private error(tok: IToken, length: number, message: string): void {
    this.errors.push({ offset: tok.startOffset, line: tok.startLine, column: tok.startColumn, length, message });
  }
}
