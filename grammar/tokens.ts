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
    if (text.startsWith(quote.repeat(3), offset)) return null; // TripleString handles it
    const end = scanQuoted(text, offset, quote);
    if (end < 0) return null;
    const lineEnd = text.indexOf('\n', offset);
    if (lineEnd >= 0 && lineEnd < end && !PLAUSIBLE_AFTER_MULTILINE.test(text.slice(end, end + 8))) return null;
    const m = [text.slice(offset, end)] as unknown as RegExpExecArray;
    return m;
  };
}

function tripleMatcher(fence: string): CustomPatternMatcherFunc {
  return (text, offset) => {
    if (!text.startsWith(fence, offset)) return null;
    const end = text.indexOf(fence, offset + 3);
    if (end < 0) return null;
    return [text.slice(offset, end + 3)] as unknown as RegExpExecArray;
  };
}

/** `/* … *\/`, which may span lines; an unclosed one runs to the end (UnclosedComment). */
function blockCommentMatcher(closed: boolean): CustomPatternMatcherFunc {
  return (text, offset) => {
    if (text.charCodeAt(offset) !== 47 || text.charCodeAt(offset + 1) !== 42) return null;
    const end = text.indexOf('*/', offset + 2);
    if (end >= 0 !== closed) return null;
    return [text.slice(offset, closed ? end + 2 : text.length)] as unknown as RegExpExecArray;
  };
}

/** An opening quote with no closing one: the rest of its line, reported as an error. */
const badStringMatcher: CustomPatternMatcherFunc = (text, offset) => {
  const c = text[offset];
  if (c !== '"' && c !== "'") return null;
  let end = text.indexOf('\n', offset);
  if (end < 0) end = text.length;
  if (end > offset && text[end - 1] === '\r') end -= 1;
  return [text.slice(offset, end)] as unknown as RegExpExecArray;
};

/**
 * Letters of identifiers and bare words: ASCII, plus the Unicode ranges of XML's NameStartChar
 * (letters of every script; not the punctuation and symbol blocks, so `‹` or `–` stay errors).
 */
const U_START =
  '\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD';
const U_PART = `${U_START}\\u00B7\\u0300-\\u036F\\u203F-\\u2040`;
const NAME = `[A-Za-z_${U_START}][A-Za-z0-9_${U_PART}]*`;

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\f\v\u00a0\ufeff]+/, group: Lexer.SKIPPED });
export const BlockComment = createToken({
  name: 'BlockComment',
  pattern: { exec: blockCommentMatcher(true) },
  line_breaks: true,
  start_chars_hint: ['/'],
  group: Lexer.SKIPPED,
});
/** Reported by the lexer pass (grammar/layout.ts) and dropped. */
export const UnclosedComment = createToken({
  name: 'UnclosedComment',
  pattern: { exec: blockCommentMatcher(false) },
  line_breaks: true,
  start_chars_hint: ['/'],
  label: 'unclosed comment',
});
export const Comment = createToken({ name: 'Comment', pattern: /(?:#|\/\/)[^\n\r]*/, group: Lexer.SKIPPED });
export const Newline = createToken({ name: 'Newline', pattern: /\r?\n|\r/, line_breaks: true, label: 'newline' });

export const TripleString = createToken({
  name: 'TripleString',
  pattern: { exec: tripleMatcher('"""') },
  line_breaks: true,
  start_chars_hint: ['"'],
  label: 'string',
});
export const TripleSingleString = createToken({
  name: 'TripleSingleString',
  pattern: { exec: tripleMatcher("'''") },
  line_breaks: true,
  start_chars_hint: ["'"],
  label: 'string',
});
export const DoubleString = createToken({
  name: 'DoubleString',
  pattern: { exec: quotedMatcher('"') },
  line_breaks: true,
  start_chars_hint: ['"'],
  label: 'string',
});
export const SingleString = createToken({
  name: 'SingleString',
  pattern: { exec: quotedMatcher("'") },
  line_breaks: true,
  start_chars_hint: ["'"],
  label: 'string',
});
export const BadString = createToken({
  name: 'BadString',
  pattern: { exec: badStringMatcher },
  line_breaks: false,
  start_chars_hint: ['"', "'"],
  label: 'unterminated string',
});

/** `@name`, `@name.sub`, `@other.tsk.get`: the operator name is one token. */
export const OperatorName = createToken({
  name: 'OperatorName',
  pattern: /@[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/,
  label: 'operator',
});
/** `$name`, with an access path written against it: `$db.host`, `$hosts[0]`. */
// eslint-disable-next-line no-misleading-character-class -- combining marks (U+0300-036F) may follow a name's first letter, as in XML names
export const Variable = createToken({ name: 'Variable', pattern: new RegExp(`\\$${NAME}(?:\\.${NAME}|\\[\\d+\\])*`), label: 'variable' });
// A number must not run into a word: `30d`, `2GB`, `1.0.3` are bare words.
export const NumberLit = createToken({ name: 'NumberLit', pattern: /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![A-Za-z0-9_.-])/, label: 'number' });
// eslint-disable-next-line no-misleading-character-class -- combining marks (U+0300-036F) may follow a name's first letter, as in XML names
export const Word = createToken({ name: 'Word', pattern: new RegExp(`[A-Za-z0-9_${U_START}][A-Za-z0-9_\\-.${U_PART}]*`), label: 'word' });
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
/** A minus sign, and the dash of a `- item` line (the layout pass tells them apart). */
export const Minus = createToken({ name: 'Minus', pattern: /-/, label: "'-'" });
export const Star = createToken({ name: 'Star', pattern: /\*/, label: "'*'" });
export const Slash = createToken({ name: 'Slash', pattern: /\//, label: "'/'" });
export const Percent = createToken({ name: 'Percent', pattern: /%/, label: "'%'" });
export const AndAnd = createToken({ name: 'AndAnd', pattern: /&&/, label: "'&&'" });
export const OrOr = createToken({ name: 'OrOr', pattern: /\|\|/, label: "'||'" });
export const Bang = createToken({ name: 'Bang', pattern: /!/, label: "'!'" });

/** Made by the layout pass, never matched: an indented block opens / closes, a dash item, an unquoted line. */
export const Indent = createToken({ name: 'Indent', pattern: Lexer.NA, label: 'indented block' });
export const Dedent = createToken({ name: 'Dedent', pattern: Lexer.NA, label: 'end of indented block' });
export const Dash = createToken({ name: 'Dash', pattern: Lexer.NA, label: "'- ' item" });
export const BareText = createToken({ name: 'BareText', pattern: Lexer.NA, label: 'text' });

/** Order matters: longer and more specific patterns first. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  BlockComment,
  UnclosedComment,
  Comment,
  Newline,
  TripleString,
  TripleSingleString,
  DoubleString,
  SingleString,
  BadString,
  OperatorName,
  Variable,
  NumberLit,
  True,
  False,
  Null,
  Word,
  LCurly,
  RCurly,
  LBracket,
  RBracket,
  LParen,
  RParen,
  Comma,
  Semicolon,
  EqEq,
  NotEq,
  LessEq,
  GreaterEq,
  Assign,
  Colon,
  Less,
  Greater,
  Question,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  AndAnd,
  OrOr,
  Bang,
  Indent,
  Dedent,
  Dash,
  BareText,
];
