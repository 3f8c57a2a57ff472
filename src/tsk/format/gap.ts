/**
 * What lies between two tokens of a .tsk file: spaces, line breaks and comments (the lexer
 * skips them; the formatter keeps the comments and decides the rest).
 */

/** A line break, or a comment with the column (0-based) it was written at. */
export type GapItem = { kind: 'newline' } | { kind: 'comment'; text: string; column: number; block: boolean };

const SPACE = /[ \t\f\v\u00a0\ufeff]/;

/** The items of `text[from, to)`; undefined when something else is there (a formatter bug). */
export function scanGap(text: string, from: number, to: number): GapItem[] | undefined {
  const items: GapItem[] = [];
  let i = from;
  while (i < to) {
    const c = text[i]!;
    if (SPACE.test(c)) i++;
    else if (c === '\n' || c === '\r') {
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      items.push({ kind: 'newline' });
    } else if (c === '#' || text.startsWith('//', i)) {
      let end = i;
      while (end < to && text[end] !== '\n' && text[end] !== '\r') end++;
      items.push({ kind: 'comment', text: text.slice(i, end).trimEnd(), column: columnOf(text, i), block: false });
      i = end;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0 || end + 2 > to) return undefined;
      // inside a comment, line ends are normalized and trailing spaces dropped like anywhere else
      const body = text
        .slice(i, end + 2)
        .replace(/\r\n?/g, '\n')
        .replace(/[ \t\f\v\u00a0]+\n/g, '\n');
      items.push({ kind: 'comment', text: body, column: columnOf(text, i), block: true });
      i = end + 2;
    } else return undefined;
  }
  return items;
}

/** The 0-based column of `offset` on its line. */
export function columnOf(text: string, offset: number): number {
  const nl = Math.max(text.lastIndexOf('\n', offset - 1), text.lastIndexOf('\r', offset - 1));
  return offset - nl - 1;
}
