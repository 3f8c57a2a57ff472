/**
 * The space between two tokens on one line, in the canonical layout: none inside `( )` and
 * `[ ]`, before `,` `;` and a key's `:`, after a prefix `!` `-` and between an operator and its
 * `(`; one space everywhere else (`{ a = 1 }`, `a + b`, `x ? 1 : 2`). The padding an author put
 * before `=` or after a key's `:` to line values up is kept.
 */
import type { IToken } from 'chevrotain';
import type { TokenRoles } from '../../../grammar/roles.js';
import * as T from '../../../grammar/tokens.js';

/** The text to put between `a` and `b`; `written` is the whitespace the author put there. */
export function spacing(a: IToken, b: IToken, roles: TokenRoles, written: string): string {
  const at = a.tokenType;
  const bt = b.tokenType;
  if (bt === T.Comma || bt === T.Semicolon) return '';
  if (at === T.Comma || at === T.Semicolon) return ' ';
  if (at === T.LParen || at === T.LBracket || bt === T.RParen || bt === T.RBracket) return '';
  if (at === T.LCurly) return bt === T.RCurly ? '' : ' ';
  if (bt === T.LParen && (at === T.OperatorName || at === T.Word)) return '';
  if (bt === T.Colon && !roles.ternary.has(b)) return '';
  if ((at === T.Colon && !roles.ternary.has(a)) || bt === T.Assign) return /^ +$/.test(written) ? written : ' ';
  // `- 1` keeps its space: `-1` would be a negative number, another token
  if (roles.unary.has(a)) return /^\d/.test(b.image) ? ' ' : '';
  return ' ';
}
