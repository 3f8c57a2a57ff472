/**
 * Expected vs actual for scenario tests. An expected object is a subset: keys it leaves out
 * are not compared; arrays compare element by element and by length. A number matches the
 * same number written as text, as read models return `numeric` columns.
 */
import { isPlainObject } from '../config/paths.js';
import type { Failure } from './ScenarioResult.js';

/** One place where actual differs from expected. */
export interface Mismatch {
  path: string;
  expected: unknown;
  actual: unknown;
}

/** Every mismatch between `expected` and `actual`, by path (`[0].data.total`). */
export function mismatches(expected: unknown, actual: unknown, path = ''): Mismatch[] {
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return [{ path, expected, actual }];
    return Object.entries(expected).flatMap(([k, v]) => mismatches(v, actual[k], `${path}.${k}`));
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [{ path, expected, actual }];
    const out = expected.flatMap((v, i) => mismatches(v, actual[i], `${path}[${i}]`));
    if (actual.length !== expected.length) out.push({ path: `${path}.length`, expected: expected.length, actual: actual.length });
    return out;
  }
  return sameScalar(expected, actual) ? [] : [{ path, expected, actual }];
}

function sameScalar(expected: unknown, actual: unknown): boolean {
  if (expected === actual) return true;
  if (typeof expected === 'number' && typeof actual === 'string' && actual.trim() !== '') return Number(actual) === expected;
  return false;
}

/**
 * `actual` cut to the shape of `expected` (the keys it names, every array element), so a
 * diff of the two shows only what the test looks at.
 */
export function projectOnto(expected: unknown, actual: unknown): unknown {
  if (isPlainObject(expected) && isPlainObject(actual)) {
    return Object.fromEntries(
      Object.keys(expected)
        .filter((k) => k in actual)
        .map((k) => [k, projectOnto(expected[k], actual[k])]),
    );
  }
  if (Array.isArray(expected) && Array.isArray(actual)) return actual.map((v, i) => projectOnto(expected[i], v));
  if (typeof expected === 'number' && typeof actual === 'string' && Number(actual) === expected) return expected;
  return actual;
}

/** A failure of `what` when `actual` does not match `expected`, both cut to the compared shape for a diff. */
export function compare(what: string, message: string, expected: unknown, actual: unknown): Failure[] {
  const found = mismatches(expected, actual);
  if (found.length === 0) return [];
  const first = found[0]!;
  const where = first.path === '' ? '' : ` at ${what}${first.path}`;
  const detail = `${where}: expected ${JSON.stringify(first.expected)}, got ${JSON.stringify(first.actual) ?? 'nothing'}`;
  return [
    {
      what,
      message: `${message}${detail}${found.length > 1 ? ` (and ${found.length - 1} more)` : ''}`,
      expected,
      actual: projectOnto(expected, actual),
    },
  ];
}
