/**
 * The operators with SQL's meaning: null in, null out (three-valued AND/OR/NOT); values of
 * the wrong kind give null too, as the SQL back end's typed NULLs do. Float overflow and
 * underflow throw, because PostgreSQL's float8 operators raise an error there.
 */
import { NumberOutOfRangeError } from '../../errors.js';
import { assertStringLength, DEFAULT_LIMITS } from '../../limits.js';
import type { BinaryOp } from '../ast.js';
import { decimalMod } from '../decimal.js';
import { jsonEqual, kindOf } from '../values.js';

/** A boolean, or null for null and for anything that is not a boolean. */
export function truth(v: unknown): boolean | null {
  return typeof v === 'boolean' ? v : null;
}

/** SQL AND over already-evaluated operands. */
export function and3(a: boolean | null, b: boolean | null): boolean | null {
  if (a === false || b === false) return false;
  return a === null || b === null ? null : true;
}

/** SQL OR over already-evaluated operands. */
export function or3(a: boolean | null, b: boolean | null): boolean | null {
  if (a === true || b === true) return true;
  return a === null || b === null ? null : false;
}

/** `a + b`: numbers add, two strings concatenate, anything else is null. */
export function plus(a: unknown, b: unknown): unknown {
  return concat(a, b, DEFAULT_LIMITS.string_length);
}

/** `a + b` where a string result may have at most `maxString` characters (checked before it is built). */
export function concat(a: unknown, b: unknown, maxString: number): unknown {
  if (typeof a === 'number' && typeof b === 'number') return checked(a + b, a, b, false);
  if (typeof a === 'string' && typeof b === 'string') {
    assertStringLength(a.length + b.length, maxString);
    return a + b;
  }
  return null;
}

/** `- * / %` on numbers; null for anything else and for division by zero. */
export function arithmetic(op: '-' | '*' | '/' | '%', a: unknown, b: unknown): number | null {
  if (typeof a !== 'number' || typeof b !== 'number') return null;
  switch (op) {
    case '-':
      return checked(a - b, a, b, false);
    case '*':
      return checked(a * b, a, b, a !== 0 && b !== 0);
    case '/':
      return b === 0 ? null : checked(a / b, a, b, a !== 0 && Number.isFinite(b));
    case '%':
      return decimalMod(a, b);
  }
}

/** `a = b` (jsonb equality: different kinds are never equal), null when either is null. */
export function equals(a: unknown, b: unknown): boolean | null {
  if (a === null || b === null) return null;
  return jsonEqual(a, b);
}

/** `< <= > >=` between two numbers, two strings (code-unit order) or two booleans; else null. */
export function compare(op: '<' | '<=' | '>' | '>=', a: unknown, b: unknown): boolean | null {
  const k = kindOf(a);
  if (k !== kindOf(b) || (k !== 'number' && k !== 'string' && k !== 'boolean')) return null;
  const x = a as number | string | boolean;
  const y = b as number | string | boolean;
  switch (op) {
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
  }
}

/** The function of each binary operator on evaluated operands (AND/OR are lazy: the caller's). */
export const BINARY: Readonly<Record<Exclude<BinaryOp, 'AND' | 'OR'>, (a: unknown, b: unknown) => unknown>> = {
  '+': plus,
  '-': (a, b) => arithmetic('-', a, b),
  '*': (a, b) => arithmetic('*', a, b),
  '/': (a, b) => arithmetic('/', a, b),
  '%': (a, b) => arithmetic('%', a, b),
  '=': equals,
  '!=': (a, b) => {
    const eq = equals(a, b);
    return eq === null ? null : !eq;
  },
  '<': (a, b) => compare('<', a, b),
  '<=': (a, b) => compare('<=', a, b),
  '>': (a, b) => compare('>', a, b),
  '>=': (a, b) => compare('>=', a, b),
};

/** `x` unless it overflowed (or, where `mayUnderflow`, underflowed to zero) from finite operands. */
export function checked(x: number, a: number, b: number, mayUnderflow: boolean): number {
  // The values come from requests and events: a 422 of their own, not a fault of the config (500).
  if (!Number.isFinite(x) && Number.isFinite(a) && Number.isFinite(b)) throw new NumberOutOfRangeError('value out of range: overflow');
  if (x === 0 && mayUnderflow) throw new NumberOutOfRangeError('value out of range: underflow');
  return x;
}
