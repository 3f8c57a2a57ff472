/**
 * Lays out the tokens of an error-free .tsk file (after the layout pass) in the canonical
 * form, keeping the author's line breaks, comments and tokens: each line is indented by its
 * nesting (4 spaces a level; an indented `key:` block 4 columns past its key, a `- key:` item's
 * lines under its key), spaces within a line follow `spacing.ts`, a trailing comment keeps its
 * column when the code leaves room (so aligned comments stay aligned), runs of blank lines
 * become one (none after an opening bracket, before a closing one, or at either end), and
 * lines end in `\n` with no trailing spaces. Tokens are written exactly as they were.
 */
import type { IToken } from 'chevrotain';
import type { TokenRoles } from '../../../grammar/roles.js';
import * as T from '../../../grammar/tokens.js';
import { scanGap, type GapItem } from './gap.js';
import { spacing } from './spacing.js';

/** Columns of one nesting level. */
export const INDENT = 4;

const OPENERS = new Set([T.LCurly, T.LBracket, T.LParen]);
const CLOSERS = new Set([T.RCurly, T.RBracket, T.RParen]);

interface Frame {
  /** Column of the lines inside. */
  content: number;
  /** Indent of the line that opened it: where its closing bracket goes. */
  openerIndent: number;
  /** Output line it was opened on (brackets opened on one line share one level). */
  line: number;
  indentBlock: boolean;
}

/** The level nearest `column` (the deeper one on a tie). */
function nearest(column: number, levels: readonly number[]): number {
  let best = levels[0]!;
  for (const l of levels) {
    const d = Math.abs(l - column) - Math.abs(best - column);
    if (d < 0 || (d === 0 && l > best)) best = l;
  }
  return best;
}

/** Thrown when the text between tokens holds something the formatter does not expect. */
export class LayoutError extends Error {
  constructor(readonly offset: number) {
    super('unexpected text between tokens');
  }
}

export class Printer {
  private readonly out: string[] = [];
  private col = 0;
  private line = 0;
  private lineIndent = 0;
  private empty = true;
  private readonly stack: Frame[] = [];
  /** The last two tokens written, with their output columns. */
  private prev: { tok: IToken; col: number } | undefined;
  private before: { tok: IToken; col: number } | undefined;
  /** The last thing written opened a bracket or block (no blank line follows it). */
  private opened = false;

  constructor(
    private readonly text: string,
    private readonly roles: TokenRoles,
  ) {}

  /** The formatted text of the laid-out tokens. */
  print(tokens: readonly IToken[]): string {
    let virtuals: IToken[] = [];
    for (const t of tokens) {
      if (t.tokenType === T.Newline) continue;
      if (t.image === '') virtuals.push(t);
      else {
        this.token(t, virtuals);
        virtuals = [];
      }
    }
    const levels = this.applyVirtuals(virtuals);
    this.gap(this.gapItems(this.text.length), levels, 0, undefined);
    if (!this.empty) this.write('\n');
    return this.out.join('');
  }

  private token(tok: IToken, virtuals: IToken[]): void {
    const items = this.gapItems(tok.startOffset);
    const levels = this.applyVirtuals(virtuals);
    const closer = this.isCloser(tok);
    const top = this.stack[this.stack.length - 1];
    if (closer && top) levels.push(top.content);
    const indent = closer ? (top?.openerIndent ?? 0) : this.content();
    this.gap(items, levels, indent, tok);
    this.prevWritten(tok);
    this.write(tok.image);
    this.opened = false;
    if (closer) this.stack.pop();
    else if (OPENERS.has(tok.tokenType) || (tok.tokenType === T.Greater && this.roles.angle.has(tok))) this.open();
  }

  private isCloser(tok: IToken): boolean {
    return CLOSERS.has(tok.tokenType) || (tok.tokenType === T.Less && this.roles.angle.has(tok));
  }

  /** Applies Indent/Dedent; returns the content columns of the blocks closed (inner first). */
  private applyVirtuals(virtuals: readonly IToken[]): number[] {
    const closed: number[] = [];
    for (const v of virtuals) {
      if (v.tokenType === T.Indent) {
        // `- key: …` items line up under the key; a `key:` block goes one level past its key
        const content = this.prev?.tok.tokenType === T.Dash ? this.prev.col + 2 : (this.before?.col ?? 0) + INDENT;
        this.stack.push({ content, openerIndent: this.lineIndent, line: this.line, indentBlock: true });
        this.opened = true;
      } else if (v.tokenType === T.Dedent) {
        closed.push(this.content());
        this.stack.pop();
      }
    }
    return closed;
  }

  private open(): void {
    const top = this.stack[this.stack.length - 1];
    const shared = top !== undefined && !top.indentBlock && top.line === this.line;
    this.stack.push({
      content: shared ? top.content : this.lineIndent + INDENT,
      openerIndent: this.lineIndent,
      line: this.line,
      indentBlock: false,
    });
    this.opened = true;
  }

  private content(): number {
    return this.stack[this.stack.length - 1]?.content ?? 0;
  }

  private gapItems(to: number): GapItem[] {
    const from = this.prev ? this.prev.tok.endOffset! + 1 : 0;
    const items = scanGap(this.text, from, to);
    if (!items) throw new LayoutError(from);
    return items;
  }

  /**
   * Writes what comes before `next` (undefined at the end): its comments, line breaks and
   * indentation (`indent` if it starts a line). A comment on its own line goes to the level
   * nearest the column it was written at, among `indent` and `levels` (of the blocks closing here).
   */
  private gap(items: readonly GapItem[], levels: readonly number[], indent: number, next: IToken | undefined): void {
    let newlines = 0;
    let afterComment = false;
    for (let k = 0; k < items.length; k++) {
      const item = items[k]!;
      if (item.kind === 'newline') {
        newlines++;
        continue;
      }
      if (newlines === 0 && !this.empty) {
        const trailing = k + 1 === items.length ? next === undefined : items[k + 1]!.kind === 'newline';
        const pad = trailing && item.column > this.col ? item.column - this.col : 1;
        this.write(' '.repeat(pad));
      } else {
        this.breakLine(newlines, !this.opened);
        this.indentTo(nearest(item.column, [...levels, indent]));
      }
      this.write(item.text);
      this.opened = false;
      afterComment = true;
      newlines = 0;
    }
    if (next === undefined) return;
    if (newlines > 0 || this.empty) {
      this.breakLine(newlines, !this.opened && !this.isCloser(next));
      this.indentTo(indent);
    } else if (afterComment) this.write(' ');
    else if (this.prev)
      this.write(spacing(this.prev.tok, next, this.roles, this.text.slice(this.prev.tok.endOffset! + 1, next.startOffset)));
  }

  private breakLine(newlines: number, blankAllowed: boolean): void {
    if (this.empty) return;
    this.write(newlines >= 2 && blankAllowed ? '\n\n' : '\n');
  }

  private indentTo(indent: number): void {
    this.lineIndent = indent;
    this.write(' '.repeat(indent));
  }

  private prevWritten(tok: IToken): void {
    this.before = this.prev;
    this.prev = { tok, col: this.col };
  }

  private write(s: string): void {
    if (s === '') return;
    this.out.push(s);
    this.empty = false;
    const nl = s.lastIndexOf('\n');
    if (nl < 0) {
      this.col += s.length;
      return;
    }
    this.col = s.length - nl - 1;
    for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) this.line++;
  }
}
