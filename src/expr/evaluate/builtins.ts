/**
 * The functions for the evaluator. Each builds a closure from its compiled arguments once;
 * the meanings (nulls, kinds, rounding) are the ones sql/sqlFunctions.ts reproduces.
 */
import { assertStringLength } from '../../limits.js';
import { roundHalfAwayFromZero } from '../decimal.js';
import type { CompiledExpression as C } from '../scope.js';
import { jsonEqual, kindOf, scalarText } from '../values.js';
import { checked } from './operators.js';
import { formatIso } from '../../util/isoTimestamp.js';

/** Builds a function's closure from its compiled arguments; `maxString` bounds the strings it makes. */
type Builtin = (args: C[], maxString: number) => C;

const ASCII_UPPER = /[A-Z]+/g;
const ASCII_LOWER = /[a-z]+/g;
const EDGE_SPACE = /^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g;
const INT32 = 2147483647;

const text =
  (f: (s: string) => unknown): Builtin =>
  ([a]) =>
  (s) => {
    const v = a!(s);
    return typeof v === 'string' ? f(v) : null;
  };
const num =
  (f: (x: number) => number): Builtin =>
  ([a]) =>
  (s) => {
    const v = a!(s);
    return typeof v === 'number' ? f(v) : null;
  };
const clamp = (x: number, limit: number) => Math.min(Math.max(Math.trunc(x), -limit), limit);

/** A missing list is an empty one for APPEND, REMOVE, SUM and COUNT; a non-list gives null. */
const list = (v: unknown): unknown[] | undefined => (v === null ? [] : Array.isArray(v) ? v : undefined);

function extreme(sign: 1 | -1): Builtin {
  return (args) => (s) => {
    let best: number | string | boolean | undefined;
    for (const a of args) {
      const v = a(s);
      if (v === null) continue;
      if (typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean') return null;
      if (best === undefined) best = v;
      else if (typeof best !== typeof v) return null;
      else if (sign > 0 ? v > best : v < best) best = v;
    }
    return best ?? null;
  };
}

function sum(values: Iterable<unknown>): number {
  let acc: number | undefined;
  for (const v of values) if (typeof v === 'number') acc = acc === undefined ? v : checked(acc + v, acc, v, false);
  return acc ?? 0;
}

function splitPart(str: string, delimiter: string, n: number): string | null {
  const k = clamp(n, INT32);
  if (k === 0) return null;
  if (delimiter === '') return k === 1 || k === -1 ? str : '';
  const parts = str.split(delimiter);
  return (k > 0 ? parts[k - 1] : parts[parts.length + k]) ?? '';
}

/** Each function of the catalog, building its closure from its compiled arguments. */
export const BUILTINS: Readonly<Record<string, Builtin>> = {
  COALESCE: (args) => (s) => {
    for (const a of args) {
      const v = a(s);
      if (v !== null) return v;
    }
    return null;
  },
  CONCAT: (args, maxString) => (s) => {
    const parts = args.map((a) => scalarText(a(s)) ?? '');
    let length = 0;
    for (const p of parts) length += p.length;
    assertStringLength(length, maxString);
    return parts.join('');
  },
  LOWER: text((v) => v.replace(ASCII_UPPER, (m) => m.toLowerCase())),
  UPPER: text((v) => v.replace(ASCII_LOWER, (m) => m.toUpperCase())),
  TRIM: text((v) => v.replace(EDGE_SPACE, '')),
  LENGTH:
    ([a]) =>
    (s) => {
      const v = a!(s);
      if (typeof v === 'string') {
        let n = 0;
        for (const _ of v) n++; // characters (code points), as PostgreSQL counts them
        return n;
      }
      return Array.isArray(v) ? v.length : null;
    },
  ROUND:
    ([a, p]) =>
    (s) => {
      const x = a!(s);
      const places = p ? p(s) : 0;
      return typeof x === 'number' && typeof places === 'number' ? roundHalfAwayFromZero(x, clamp(places, 1000)) : null;
    },
  FLOOR: num(Math.floor),
  CEIL: num(Math.ceil),
  ABS: num(Math.abs),
  GREATEST: extreme(1),
  LEAST: extreme(-1),
  NOW: () => (s) => formatIso(s.now ?? new Date()),
  APPEND:
    ([a, x]) =>
    (s) => {
      const arr = list(a!(s));
      return arr ? [...arr, x!(s)] : null;
    },
  REMOVE:
    ([a, x]) =>
    (s) => {
      const arr = list(a!(s));
      const v = x!(s);
      return arr ? arr.filter((e) => !jsonEqual(e ?? null, v)) : null;
    },
  SUM:
    ([a, f]) =>
    (s) => {
      const arr = list(a!(s));
      if (!arr) return null;
      if (!f) return sum(arr);
      const field = f(s);
      if (typeof field !== 'string') return null;
      return sum(
        arr.map((e) => (kindOf(e) === 'object' && Object.hasOwn(e as object, field) ? (e as Record<string, unknown>)[field] : null)),
      );
    },
  COUNT:
    ([a]) =>
    (s) => {
      const arr = list(a!(s));
      return arr ? arr.filter((e) => e !== null && e !== undefined).length : null;
    },
  CONTAINS:
    ([a, x]) =>
    (s) => {
      const hay = a!(s);
      const needle = x!(s);
      if (hay === null || needle === null) return null;
      if (typeof hay === 'string') return typeof needle === 'string' ? hay.includes(needle) : null;
      return Array.isArray(hay) ? hay.some((e) => jsonEqual(e ?? null, needle)) : null;
    },
  SPLIT_PART:
    ([a, d, n]) =>
    (s) => {
      const str = a!(s);
      const delimiter = d!(s);
      const k = n!(s);
      return typeof str === 'string' && typeof delimiter === 'string' && typeof k === 'number' ? splitPart(str, delimiter, k) : null;
    },
};
