/**
 * The tokens of the .tsk language. Strings are matched by hand-written scanners (not regexes)
 * so that an unterminated string costs one linear scan and becomes a BadString token the
 * parser can accept and the visitor can report, instead of derailing everything after it.
 */
import { createToken, Lexer, type CustomPatternMatcherFunc, type TokenType } from 'chevrotain';

/** Scans a quoted string starting at `offset`; returns its end (exclusive) or -1 if unterminated. */
function scanQuoted(text: string, offset: number, quote: string): number {
  let i = offset + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === quote) return i + 1;
    else i += 1;
  }
  return -1;
}

/**
 * What may follow the closing quote of a string that spans lines. A string left open by
 * mistake usually "closes" at the opening quote of a later string, followed by a word; such
 * a match is refused, so the open quote is reported on its own line (as BadString).
 */
const PLAUSIBLE_AFTER_MULTILINE = /^[ \t]*(?:$|[\r\n,)\]};#/:=+?<>!])/;

function quotedMatcher(quote: string): CustomPatternMatcherFunc {
  return (text, offset) => {
    if (text[offset] !== quote) return null;
    if (quote === '"' && text.startsWith('"""', offset)) return null; // TripleString handles it
    const end = scanQuoted(text, offset, quote);
    if (end < 0) return null;
    const lineEnd = text.indexOf('\n', offset);
    if (lineEnd >= 0 && lineEnd < end && !PLAUSIBLE_AFTER_MULTILINE.test(text.slice(end, end + 8))) return null;
    const m = [text.slice(offset, end)] as unknown as RegExpExecArray;
    return m;
  };
}

const tripleMatcher: CustomPatternMatcherFunc = (text, offset) => {
  if (!text.startsWith('"""', offset)) return null;
  const end = text.indexOf('"""', offset + 3);
  if (end < 0) return null;
  return [text.slice(offset, end + 3)] as unknown as RegExpExecArray;
};

/** An opening quote with no closing one: the rest of its line, reported as an error. */
const badStringMatcher: CustomPatternMatcherFunc = (text, offset) => {
  const c = text[offset];
  if (c !== '"' && c !== "'") return null;
  let end = text.indexOf('\n', offset);
  if (end < 0) end = text.length;
  if (end > offset && text[end - 1] === '\r') end -= 1;
  return [text.slice(offset, end)] as unknown as RegExpExecArray;
};

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\f\v\u00a0\ufeff]+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: 'Comment', pattern: /(?:#|\/\/)[^\n\r]*/, group: Lexer.SKIPPED });
export const Newline = createToken({ name: 'Newline', pattern: /\r?\n|\r/, line_breaks: true, label: 'newline' });

export const TripleString = createToken({
  name: 'TripleString', pattern: { exec: tripleMatcher }, line_breaks: true, start_chars_hint: ['"'], label: 'string',
});
export const DoubleString = createToken({
  name: 'DoubleString', pattern: { exec: quotedMatcher('"') }, line_breaks: true, start_chars_hint: ['"'], label: 'string',
});
export const SingleString = createToken({
  name: 'SingleString', pattern: { exec: quotedMatcher("'") }, line_breaks: true, start_chars_hint: ["'"], label: 'string',
});
export const BadString = createToken({
  name: 'BadString', pattern: { exec: badStringMatcher }, line_breaks: false, start_chars_hint: ['"', "'"], label: 'unterminated string',
});

/** `@name`, `@name.sub`, `@other.tsk.get`: the operator name is one token. */
export const OperatorName = createToken({ name: 'OperatorName', pattern: /@[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/, label: 'operator' });
export const Variable = createToken({ name: 'Variable', pattern: /\$[A-Za-z_][A-Za-z0-9_]*/, label: 'variable' });
// A number must not run into a word: `30d`, `2GB`, `1.0.3` are bare words.
export const NumberLit = createToken({ name: 'NumberLit', pattern: /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![A-Za-z0-9_.\-])/, label: 'number' });
export const Word = createToken({ name: 'Word', pattern: /[A-Za-z0-9_][A-Za-z0-9_\-.]*/, label: 'word' });
export const True = createToken({ name: 'True', pattern: /true/, longer_alt: Word, label: 'true' });
export const False = createToken({ name: 'False', pattern: /false/, longer_alt: Word, label: 'false' });
export const Null = createToken({ name: 'Null', pattern: /null/, longer_alt: Word, label: 'null' });

export const LCurly = createToken({ name: 'LCurly', pattern: /\{/, label: "'{'" });
export const RCurly = createToken({ name: 'RCurly', pattern: /\}/, label: "'}'" });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/, label: "']'" });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: "')'" });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: "','" });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/, label: "';'" });
export const EqEq = createToken({ name: 'EqEq', pattern: /==/, label: "'=='" });
export const NotEq = createToken({ name: 'NotEq', pattern: /!=/, label: "'!='" });
export const LessEq = createToken({ name: 'LessEq', pattern: /<=/, label: "'<='" });
export const GreaterEq = createToken({ name: 'GreaterEq', pattern: />=/, label: "'>='" });
export const Assign = createToken({ name: 'Assign', pattern: /=/, label: "'='" });
export const Colon = createToken({ name: 'Colon', pattern: /:/, label: "':'" });
export const Less = createToken({ name: 'Less', pattern: /</, label: "'<'" });
export const Greater = createToken({ name: 'Greater', pattern: />/, label: "'>'" });
export const Question = createToken({ name: 'Question', pattern: /\?/, label: "'?'" });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, label: "'+'" });

/** Order matters: longer and more specific patterns first. */
export const allTokens: TokenType[] = [
  WhiteSpace, Comment, Newline,
  TripleString, DoubleString, SingleString, BadString,
  OperatorName, Variable, NumberLit,
  True, False, Null, Word,
  LCurly, RCurly, LBracket, RBracket, LParen, RParen, Comma, Semicolon,
  EqEq, NotEq, LessEq, GreaterEq, Assign, Colon, Less, Greater, Question, Plus,
];
