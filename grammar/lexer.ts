/**
 * The .tsk lexer: Chevrotain's lexer plus the layout pass (grammar/layout.ts), which decides
 * which newlines matter and turns indentation, dash lists and unquoted lines into tokens.
 */
import { Lexer, type ILexingError, type IToken } from 'chevrotain';
import { layout, type LayoutNote } from './layout.js';
import { allTokens } from './tokens.js';

/** The one shared lexer instance (building it validates the token set; do it once). */
export const tskLexer = new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: true });

export interface LexResult {
  tokens: IToken[];
  errors: ILexingError[];
  /** Remarks that are not errors (shown by `check` as notes). */
  notes: LayoutNote[];
}

/** Tokenizes .tsk text and applies the layout pass. */
export function lexTsk(text: string): LexResult {
  const result = tskLexer.tokenize(text);
  const errors = [...result.errors];
  const laid = layout(text, result.tokens, errors);
  return { tokens: laid.tokens, errors, notes: laid.notes };
}
