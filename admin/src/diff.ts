/** A diff of two JSON values, path by path: what the state diff between two versions shows. */

/** One changed path. */
export interface Change {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

/** Every path whose value differs between `a` and `b` (objects and arrays are walked). */
export function diffJson(a: unknown, b: unknown, path = ''): Change[] {
  if (isContainer(a) && isContainer(b) && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => {
      const p = path === '' ? k : Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`;
      const inA = Object.hasOwn(a, k);
      const inB = Object.hasOwn(b, k);
      if (!inA) return [{ path: p, kind: 'added' as const, after: (b as Record<string, unknown>)[k] }];
      if (!inB) return [{ path: p, kind: 'removed' as const, before: (a as Record<string, unknown>)[k] }];
      return diffJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], p);
    });
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path: path === '' ? '(value)' : path, kind: 'changed', before: a, after: b }];
}

function isContainer(v: unknown): v is object {
  return v !== null && typeof v === 'object';
}
