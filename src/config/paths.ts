/** Config paths as users read them: `aggregates.order.commands.AddItem`, `steps[0]`. */
import type { Path } from '../tsk/document.js';

/** `a.b[0].c` for a path; keys that are not identifiers are quoted. */
export function formatPath(path: Path): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(p)) out += out === '' ? p : `.${p}`;
    else out += `${out === '' ? '' : '.'}"${p}"`;
  }
  return out;
}

/** The key under which a path is stored in maps. */
export function pathKey(path: Path): string {
  return JSON.stringify(path);
}

/** True for `{…}` objects written in a .tsk file (not arrays, not class instances). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
}

/**
 * Deep copy of plain objects and arrays; other values (DeferredQuery, …) are shared. An own
 * `__proto__` key is left out of the copy (assigned, it would become the copy's prototype and
 * every key of its value would be inherited unseen); each object that had one goes to `withProto`.
 */
export function clonePlain<T>(v: T, withProto?: object[]): T {
  if (Array.isArray(v)) return v.map((x: unknown) => clonePlain(x, withProto)) as T;
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    // keys, not entries: no pair array per key (a large config is a hundred thousand values)
    for (const k of Object.keys(v)) {
      if (k === '__proto__') withProto?.push(v);
      else out[k] = clonePlain(v[k], withProto);
    }
    return out as T;
  }
  return v;
}

/** Structural equality of plain values. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}
