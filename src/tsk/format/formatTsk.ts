/**
 * `formatTsk`: the canonical layout of a .tsk file (what `tusk-es fmt` writes). Only the
 * whitespace between tokens changes, so the value is the same by construction; and the result
 * is checked: re-lexed, it must give the parser the very same tokens, or the file is refused
 * (TSK_FORMAT) rather than changed.
 */
import type { IToken } from 'chevrotain';
import { error, type Diagnostic } from '../../diagnostics.js';
import { lexTsk } from '../../../grammar/lexer.js';
import { parseTokens } from '../../../grammar/parser.js';
import { tokenRoles } from '../../../grammar/roles.js';
import { Newline } from '../../../grammar/tokens.js';
import { parseTsk } from '../parse.js';
import { LayoutError, Printer } from './printer.js';

export type FormatResult = { ok: true; text: string } | { ok: false; diagnostics: Diagnostic[] };

/** Formats .tsk text; a file with syntax errors (or one it cannot lay out safely) is refused. */
export function formatTsk(text: string, file: string): FormatResult {
  const errors = parseTsk(text, file).diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) return { ok: false, diagnostics: errors };
  const lexed = lexTsk(text);
  const roles = tokenRoles(parseTokens(lexed.tokens).cst);
  let formatted: string;
  try {
    formatted = new Printer(text, roles).print(lexed.tokens);
  } catch (err) {
    if (!(err instanceof LayoutError)) throw err;
    return refused(text, file, err.offset, 'unexpected text between tokens');
  }
  const differs = firstDifference(lexed.tokens, lexTsk(formatted));
  if (differs !== undefined) return refused(text, file, differs.startOffset, 'laid out, the tokens from here would read differently');
  return { ok: true, text: formatted };
}

/** The first token (of the original) that the formatted text does not reproduce. */
function firstDifference(original: readonly IToken[], formatted: ReturnType<typeof lexTsk>): IToken | undefined {
  const fresh = formatted.tokens;
  if (formatted.errors.length > 0) return original[0];
  const n = Math.max(original.length, fresh.length);
  for (let i = 0; i < n; i++) {
    const a = original[i];
    const b = fresh[i];
    if (!a || !b) return a ?? original[original.length - 1];
    if (a.tokenType !== b.tokenType || (a.tokenType !== Newline && a.image !== b.image)) return a;
  }
  return undefined;
}

function refused(text: string, file: string, offset: number, what: string): FormatResult {
  const before = text.slice(0, offset);
  const line = before.split(/\r\n|\r|\n/).length;
  const column = offset - Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r'));
  return {
    ok: false,
    diagnostics: [error('TSK_FORMAT', `tusk-es fmt cannot lay this file out safely (${what}); it is left as is`, { file, line, column })],
  };
}
