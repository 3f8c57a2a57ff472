/**
 * The lexer of the expression language: text → tokens with offsets. Keywords are recognised
 * case-insensitively here, so the parser only ever sees upper-case keyword tokens.
 */

export type TokenKind = 'number' | 'string' | 'name' | 'keyword' | 'op' | 'eof';

export interface Token {
  kind: TokenKind;
  /** The operator, the upper-cased keyword, the name as written, or the source text. */
  text: string;
  /** Parsed value of a number or string token; a keyword's spelling as written. */
  value?: number | string;
  start: number;
  end: number;
}

/** A lexical error: where, and why. */
export interface LexError {
  message: string;
  start: number;
  end: number;
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IS', 'NULL', 'IN', 'TRUE', 'FALSE']);
// longest first, so `<=` is never read as `<` then `=`
const OPERATORS = ['==', '!=', '<>', '<=', '>=', '&&', '||', '+', '-', '*', '/', '%', '=', '<', '>', '!', '(', ')', '[', ']', ',', '.'];
const NUMBER = /(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const SPACE = /\s+/y;

/** Splits `text` into tokens; stops at the first lexical error. */
export function tokenize(text: string): { tokens: Token[]; error?: LexError } {
  const tokens: Token[] = [];
  let i = 0;
  while (true) {
    SPACE.lastIndex = i;
    if (SPACE.exec(text)) i = SPACE.lastIndex;
    if (i >= text.length) break;
    const c = text[i]!;
    if (c === "'") {
      const str = scanString(text, i);
      if (str.error) return { tokens, error: str.error };
      tokens.push({ kind: 'string', text: text.slice(i, str.end), value: str.value, start: i, end: str.end });
      i = str.end;
      continue;
    }
    const number = match(NUMBER, text, i);
    if (number !== undefined) {
      const value = Number(number);
      if (!Number.isFinite(value)) return { tokens, error: { message: `number ${number} is too large`, start: i, end: i + number.length } };
      NAME.lastIndex = i + number.length;
      if (NAME.test(text))
        return {
          tokens,
          error: {
            message: `unexpected character '${text[i + number.length]}' after number ${number}`,
            start: i + number.length,
            end: i + number.length + 1,
          },
        };
      tokens.push({ kind: 'number', text: number, value, start: i, end: i + number.length });
      i += number.length;
      continue;
    }
    const name = match(NAME, text, i);
    if (name !== undefined) {
      const upper = name.toUpperCase();
      if (KEYWORDS.has(upper)) tokens.push({ kind: 'keyword', text: upper, value: name, start: i, end: i + name.length });
      else tokens.push({ kind: 'name', text: name, start: i, end: i + name.length });
      i += name.length;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op === undefined) {
      const ch = String.fromCodePoint(text.codePointAt(i)!);
      const hint = c === '"' ? " (text literals use single quotes: 'text')" : '';
      return { tokens, error: { message: `unexpected character '${ch}'${hint}`, start: i, end: i + ch.length } };
    }
    tokens.push({ kind: 'op', text: op, start: i, end: i + op.length });
    i += op.length;
  }
  tokens.push({ kind: 'eof', text: '', start: text.length, end: text.length });
  return { tokens };
}

function match(re: RegExp, text: string, at: number): string | undefined {
  re.lastIndex = at;
  return re.exec(text)?.[0];
}

/** `'…'` with `''` for a quote inside. */
function scanString(text: string, start: number): { end: number; value: string; error?: LexError } {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const q = text.indexOf("'", i);
    if (q < 0) break;
    value += text.slice(i, q);
    if (text[q + 1] === "'") {
      value += "'";
      i = q + 2;
      continue;
    }
    return { end: q + 1, value };
  }
  return { end: text.length, value, error: { message: "unterminated text literal (missing closing ')", start, end: text.length } };
}
