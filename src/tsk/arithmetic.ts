/** Load-time `- * / %` (and unary minus): numbers, and strings that are numbers (env values). */
import { error, type Diagnostic, type SourceLocation } from '../diagnostics.js';

const VERB = { '-': 'subtract', '*': 'multiply', '/': 'divide', '%': 'take the remainder of' } as const;

/** `l op r`, or null plus a TSK_EXPRESSION when either side is not a number or the result is not finite. */
export function arithmetic(
  op: '-' | '*' | '/' | '%',
  l: unknown,
  r: unknown,
  at: SourceLocation,
  diagnostics: Diagnostic[],
): number | null {
  const a = asNumber(l);
  const b = asNumber(r);
  if (a === undefined || b === undefined) {
    const bad = a === undefined ? l : r;
    diagnostics.push(
      error(
        'TSK_EXPRESSION',
        `cannot ${VERB[op]} ${bad === null ? 'null' : typeof bad === 'object' ? 'an object or array' : JSON.stringify(bad)}: ${op} takes numbers`,
        at,
      ),
    );
    return null;
  }
  if ((op === '/' || op === '%') && b === 0) {
    diagnostics.push(error('TSK_EXPRESSION', `division by zero`, at));
    return null;
  }
  switch (op) {
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    default:
      return a % b;
  }
}

/** Numbers, and strings that are numbers (environment variables are always strings). */
export function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}
