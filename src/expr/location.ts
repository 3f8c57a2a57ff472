/**
 * Expressions live inside config strings: a diagnostic at offset n of the text is located
 * at the string's first character shifted by n (on later lines when the text spans lines).
 */
import type { SourceLocation } from '../diagnostics.js';
import type { Span } from './ast.js';

/** Where diagnostics point when the caller gives no location. */
export const STANDALONE: SourceLocation = { file: '<expression>', line: 1, column: 1 };

/** The location of `span` of `text`, which starts at `at`. */
export function locate(text: string, span: Span, at: SourceLocation = STANDALONE): SourceLocation {
  const start = shift(text, span.start, at);
  const end = shift(text, Math.max(span.end, span.start), at);
  return { file: at.file, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}

function shift(text: string, offset: number, at: SourceLocation): { line: number; column: number } {
  let line = at.line;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: line === at.line ? at.column + offset : offset - lineStart + 1 };
}

// The text each parsed tree came from, so the checker can locate nodes on later lines of a
// multi-line expression without the text being passed around again.
const sources = new WeakMap<object, string>();

/** Remembers that `ast` was parsed from `text`. */
export function rememberSource(ast: object, text: string): void {
  sources.set(ast, text);
}

/** The text `ast` was parsed from ('' for a tree built by hand: everything on one line). */
export function sourceOf(ast: object): string {
  return sources.get(ast) ?? '';
}
