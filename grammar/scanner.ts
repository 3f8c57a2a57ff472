/**
 * A hand-written scanner for the common case of .tsk text: the same tokens, with the same
 * positions, as Chevrotain's lexer (`tskLexer`, grammar/lexer.ts) gives for text it reads
 * without an error, at a fraction of its cost (issue 18: the lexer's pattern matching was the
 * largest cost of a large file's `check` after the CST went). It is a strict reading of
 * grammar/tokens.ts, pattern for pattern, in the lexer's order of preference. Wherever that
 * order is subtle or the text is unusual (a character outside ASCII outside strings and
 * comments, `\r`, `\f`, an unterminated string or comment, a character no token matches) it
 * gives up (undefined) and the caller lexes the text with Chevrotain, which stays the
 * reference for every error and diagnostic. `test/grammar/scanner.unit.test.ts` holds the two
 * to the same tokens.
 */
import { type IToken, type TokenType } from 'chevrotain';
import * as T from './tokens.js';

/** The quote that closes a string spanning lines must be followed by one of these (tokens.ts `quotedMatcher`). */
const PLAUSIBLE_AFTER_MULTILINE = /^[ \t]*(?:$|[\r\n,)\]};#/:=+?<>!])/;

/** Token types of the characters that are a token on their own (and start no longer one). */
const SINGLE: (TokenType | undefined)[] = [];
for (const [ch, type] of [
  ['{', T.LCurly],
  ['}', T.RCurly],
  ['[', T.LBracket],
  [']', T.RBracket],
  ['(', T.LParen],
  [')', T.RParen],
  [',', T.Comma],
  [';', T.Semicolon],
  [':', T.Colon],
  ['?', T.Question],
  ['+', T.Plus],
  ['*', T.Star],
  ['%', T.Percent],
] as const) {
  SINGLE[ch.charCodeAt(0)] = type;
}

/** Character classes, by code (ASCII only: anything above gives up outside strings and comments). */
const LETTER = 1; // [A-Za-z_]
const DIGIT = 2; // [0-9]
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_]/.test(ch)) CLASS[c] = LETTER;
  else if (/[0-9]/.test(ch)) CLASS[c] = DIGIT;
}
const isLetter = (c: number) => c < 128 && CLASS[c] === LETTER;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isNamePart = (c: number) => c < 128 && CLASS[c] !== 0;
/** Word's later characters: [A-Za-z0-9_.-] (and Unicode, which gives up). */
const isWordPart = (c: number) => (c < 128 && CLASS[c] !== 0) || c === 45 || c === 46;

/**
 * The tokens of `text` as `tskLexer.tokenize(text).tokens`, offsets moved by `offsetBase` and
 * lines by `lineBase` (a chunk of a larger file); undefined where it is not sure of that.
 */
export function scanTsk(text: string, offsetBase = 0, lineBase = 0): IToken[] | undefined {
  if (text.indexOf('\r') >= 0) return undefined; // line ends the lexer counts its own way
  const out: IToken[] = [];
  const n = text.length;
  // plain locals, no closure over them: they stay in registers through the loop
  let i = 0;
  let line = 1 + lineBase;
  let lineStart = 0; // offset of the current line's first character
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      while (i < n && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
      continue;
    }
    if (c === 10) {
      out.push(token(text, T.Newline, i, i + 1, line, i - lineStart + 1, offsetBase));
      i++;
      line++;
      lineStart = i;
      continue;
    }
    let type = SINGLE[c];
    let end = i + 1;
    if (type === undefined) {
      if (c === 35) {
        i = lineEnd(text, i); // `#` comment
        continue;
      }
      if (c === 47) {
        const next = text.charCodeAt(i + 1);
        if (next === 42) {
          const close = text.indexOf('*/', i + 2);
          if (close < 0) return undefined; // an unclosed comment is an error
          for (let k = text.indexOf('\n', i); k >= 0 && k < close; k = text.indexOf('\n', k + 1)) {
            line++;
            lineStart = k + 1;
          }
          i = close + 2;
          continue;
        }
        if (next === 47) {
          i = lineEnd(text, i);
          continue;
        }
        type = T.Slash;
      } else if (c === 34 || c === 39) {
        end = stringEnd(text, i, c);
        if (end < 0) return undefined;
        const triple = text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c;
        type = triple ? (c === 34 ? T.TripleString : T.TripleSingleString) : c === 34 ? T.DoubleString : T.SingleString;
        if (stringSpansLines) {
          const last = text.lastIndexOf('\n', end - 1);
          // a string over several lines: its end line and column are the lexer's
          const startLine = line;
          const startColumn = i - lineStart + 1;
          for (let k = text.indexOf('\n', i); k >= 0 && k < end; k = text.indexOf('\n', k + 1)) line++;
          lineStart = last + 1;
          const t = token(text, type, i, end, startLine, startColumn, offsetBase);
          t.endLine = line;
          t.endColumn = end - lineStart;
          out.push(t);
          i = end;
          continue;
        }
      } else if (c < 128 && CLASS[c] !== 0) {
        // a number, else a word (a word may start with a digit: `30d`, `1.0.3`)
        const num = CLASS[c] === DIGIT ? numberEnd(text, i) : -1;
        if (num > 0) {
          type = T.NumberLit;
          end = num;
        } else {
          while (end < n && isWordPart(text.charCodeAt(end))) end++;
          if (end < n && text.charCodeAt(end) >= 128) return undefined; // a Unicode letter may continue it
          type = keyword(text, i, end);
        }
      } else {
        const next = text.charCodeAt(i + 1);
        switch (c) {
          case 45: {
            // -
            const num = isDigit(next) ? numberEnd(text, i) : -1;
            type = num > 0 ? T.NumberLit : T.Minus;
            if (num > 0) end = num;
            break;
          }
          case 61: // =
            type = next === 61 ? T.EqEq : T.Assign;
            break;
          case 33: // !
            type = next === 61 ? T.NotEq : T.Bang;
            break;
          case 60: // <
            type = next === 61 ? T.LessEq : T.Less;
            break;
          case 62: // >
            type = next === 61 ? T.GreaterEq : T.Greater;
            break;
          case 38: // &
            if (next !== 38) return undefined;
            type = T.AndAnd;
            break;
          case 124: // |
            if (next !== 124) return undefined;
            type = T.OrOr;
            break;
          case 64: // @name(.name)*
            if (!isLetter(next)) return undefined;
            type = T.OperatorName;
            end = dottedNamesEnd(text, i + 1);
            break;
          case 36: // $name(.name | [digits])*
            type = T.Variable;
            end = variableEnd(text, i + 1);
            if (end < 0) return undefined;
            break;
          default:
            return undefined; // not a token, or a character the lexer reads its own way
        }
        if (type === T.EqEq || type === T.NotEq || type === T.LessEq || type === T.GreaterEq || type === T.AndAnd || type === T.OrOr)
          end = i + 2;
      }
    }
    out.push(token(text, type, i, end, line, i - lineStart + 1, offsetBase));
    i = end;
  }
  return out;
}

/** A token as Chevrotain's lexer makes it (the same fields in the same order: one hidden class). */
function token(text: string, type: TokenType, from: number, to: number, line: number, column: number, offsetBase: number): IToken {
  return {
    image: text.slice(from, to),
    startOffset: from + offsetBase,
    endOffset: to - 1 + offsetBase,
    startLine: line,
    endLine: line,
    startColumn: column,
    endColumn: column + to - from - 1,
    tokenTypeIdx: type.tokenTypeIdx!,
    tokenType: type,
  };
}

/** The end of a `#` or `//` comment: the line end (not included). */
function lineEnd(text: string, i: number): number {
  const nl = text.indexOf('\n', i);
  return nl < 0 ? text.length : nl;
}

/** `true`, `false` and `null` are their own tokens only as the whole word (tokens.ts `longer_alt`). */
function keyword(text: string, from: number, to: number): TokenType {
  const len = to - from;
  if (len === 4) {
    if (text.startsWith('true', from)) return T.True;
    if (text.startsWith('null', from)) return T.Null;
  } else if (len === 5 && text.startsWith('false', from)) return T.False;
  return T.Word;
}

/** Set by `stringEnd`: the string it found holds a line break. */
let stringSpansLines = false;

/**
 * The end of the string opening at `i` (quote `q`), or -1 where the lexer would read it
 * otherwise (unterminated: BadString, an error; closed on a later line at an implausible spot).
 */
function stringEnd(text: string, i: number, q: number): number {
  if (text.charCodeAt(i + 1) === q && text.charCodeAt(i + 2) === q) {
    const fence = q === 34 ? '"""' : "'''";
    const close = text.indexOf(fence, i + 3);
    const nl = close < 0 ? -1 : text.indexOf('\n', i + 3);
    stringSpansLines = nl >= 0 && nl < close;
    return close < 0 ? -1 : close + 3;
  }
  let k = i + 1;
  const n = text.length;
  let lines = false;
  for (;;) {
    if (k >= n) return -1;
    const c = text.charCodeAt(k);
    if (c === 92) {
      if (text.charCodeAt(k + 1) === 10) lines = true;
      k += 2;
    } else if (c === q) break;
    else {
      if (c === 10) lines = true;
      k++;
    }
  }
  const end = k + 1;
  stringSpansLines = lines;
  if (lines && !PLAUSIBLE_AFTER_MULTILINE.test(text.slice(end, end + 8))) return -1;
  return end;
}

/** NumberLit `-?\d+(\.\d+)?([eE][+-]?\d+)?` not running into `[A-Za-z0-9_.-]`: its end, or -1. */
function numberEnd(text: string, i: number): number {
  let k = text.charCodeAt(i) === 45 ? i + 1 : i;
  while (isDigit(text.charCodeAt(k))) k++;
  if (text.charCodeAt(k) === 46 && isDigit(text.charCodeAt(k + 1))) {
    k += 2;
    while (isDigit(text.charCodeAt(k))) k++;
  }
  const e = text.charCodeAt(k);
  if (e === 101 || e === 69) {
    let m = k + 1;
    const sign = text.charCodeAt(m);
    if (sign === 43 || sign === 45) m++;
    if (isDigit(text.charCodeAt(m))) {
      while (isDigit(text.charCodeAt(m))) m++;
      k = m;
    }
  }
  // a shorter match would stop before a digit, `.` or `e`, which the look-ahead refuses too
  const after = text.charCodeAt(k);
  if (isWordPart(after) || after >= 128) return -1; // past ASCII: a Unicode letter, Word's (or an error)
  return k;
}

/** The end of `name(.name)*` from `i` (a letter at `i`). */
function dottedNamesEnd(text: string, i: number): number {
  let k = i + 1;
  while (isNamePart(text.charCodeAt(k))) k++;
  while (text.charCodeAt(k) === 46 && isLetter(text.charCodeAt(k + 1))) {
    k += 2;
    while (isNamePart(text.charCodeAt(k))) k++;
  }
  return k;
}

/** The end of a variable's `name(.name | [digits])*` from `i`, or -1 (no name, or Unicode around it). */
function variableEnd(text: string, i: number): number {
  if (!isLetter(text.charCodeAt(i))) return -1;
  let k = i + 1;
  for (;;) {
    while (isNamePart(text.charCodeAt(k))) k++;
    const c = text.charCodeAt(k);
    if (c >= 128) return -1;
    if (c === 46) {
      const d = text.charCodeAt(k + 1);
      if (d >= 128) return -1;
      if (!isLetter(d)) return k;
      k += 2;
    } else if (c === 91 && isDigit(text.charCodeAt(k + 1))) {
      let m = k + 1;
      while (isDigit(text.charCodeAt(m))) m++;
      if (text.charCodeAt(m) !== 93) return k;
      k = m + 1;
    } else return k;
  }
}
