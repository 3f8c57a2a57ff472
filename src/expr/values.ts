/**
 * Run-time values of the expression language are JSON values: null, booleans, numbers
 * (IEEE doubles), strings, arrays and objects. These helpers give them one meaning that
 * the SQL back end reproduces with jsonb.
 */
import { formatIso } from '../util/isoTimestamp.js';

export type Kind = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

/** The JSON kind of a (normalised) value. */
export function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    default:
      return Array.isArray(v) ? 'array' : 'object';
  }
}

/** A value read from a scope, as the language sees it: undefined is null, a Date its ISO text. */
export function normalise(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return formatIso(v);
  return v;
}

/** `v.name` when v is an object that has its own `name`, else null (never the prototype). */
export function fieldOf(v: unknown, name: string): unknown {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Date) return null;
  return Object.hasOwn(v, name) ? normalise((v as Record<string, unknown>)[name]) : null;
}

/** `v[i]` when v is an array (negative i counts from the end, as jsonb's `->` does), else null. */
export function elementOf(v: unknown, i: number): unknown {
  if (!Array.isArray(v)) return null;
  return normalise(v.at(i));
}

/** Structural JSON equality (jsonb `=`): same kind and same value, objects by key set. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  const ka = kindOf(a);
  if (ka !== kindOf(b)) return false;
  if (ka === 'array') {
    const x = a as unknown[];
    const y = b as unknown[];
    return x.length === y.length && x.every((v, i) => jsonEqual(normalise(v), normalise(y[i])));
  }
  if (ka === 'object') {
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    const keys = Object.keys(x).filter((k) => x[k] !== undefined);
    if (keys.length !== Object.keys(y).filter((k) => y[k] !== undefined).length) return false;
    return keys.every((k) => Object.hasOwn(y, k) && jsonEqual(normalise(x[k]), normalise(y[k])));
  }
  return ka === 'null' || a === b;
}

/** A scalar as CONCAT writes it (numbers as JavaScript prints them); undefined for null, arrays, objects. */
export function scalarText(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return String(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return undefined;
  }
}
