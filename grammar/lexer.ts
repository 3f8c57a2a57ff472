/**
 * The .tsk lexer: Chevrotain's lexer plus one pass that decides which newlines matter.
 * Newlines separate entries, so they are tokens; but they are noise right after an opening
 * bracket or a comma, right before a closing bracket, anywhere inside parentheses, and when
 * repeated. Dropping those here keeps the grammar free of "optional newline" clutter.
 */
import { Lexer, type ILexingError, type IToken } from 'chevrotain';
import { allTokens, Comma, LBracket, LCurly, LParen, Newline, RBracket, RCurly, RParen } from './tokens.js';

/** The one shared lexer instance (building it validates the token set; do it once). */
export const tskLexer = new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: false });

export interface LexResult {
  tokens: IToken[];
  errors: ILexingError[];
}

/** Tokenizes .tsk text and removes newlines that cannot separate anything. */
export function lexTsk(text: string): LexResult {
  const result = tskLexer.tokenize(text);
  return { tokens: significantNewlines(result.tokens), errors: result.errors };
}

function significantNewlines(tokens: IToken[]): IToken[] {
  const out: IToken[] = [];
  const open: string[] = []; // the brackets currently open; newlines inside ( … ) never matter
  for (const tok of tokens) {
    const type = tok.tokenType;
    if (type === Newline) {
      if (open[open.length - 1] === '(') continue;
      const pt = out[out.length - 1]?.tokenType;
      if (pt === undefined || pt === Newline || pt === LCurly || pt === LBracket || pt === Comma) continue;
      out.push(tok);
      continue;
    }
    if (type === RCurly || type === RBracket || type === RParen || type === Comma) {
      while (out.length > 0 && out[out.length - 1]!.tokenType === Newline) out.pop();
    }
    if (type === LParen) open.push('(');
    else if (type === LCurly) open.push('{');
    else if (type === LBracket) open.push('[');
    else if (type === RParen || type === RCurly || type === RBracket) {
      const want = type === RParen ? '(' : type === RCurly ? '{' : '[';
      const at = open.lastIndexOf(want);
      if (at >= 0) open.length = at; // a stray closer leaves the stack alone
    }
    out.push(tok);
  }
  while (out.length > 0 && out[out.length - 1]!.tokenType === Newline) out.pop();
  return out;
}
