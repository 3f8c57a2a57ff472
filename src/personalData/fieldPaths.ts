/**
 * Personal field paths (`email`, `address.city`, `address.*`) over event data: a copy of the
 * data with the value at every matching path replaced. `*` matches every field of an object
 * (every item of an array). Absent and null values are left alone: there is nothing to hide.
 */

/** A parsed field path: its segments, `*` for any. */
export type FieldPath = readonly string[];

/** Parses `address.*` into ["address", "*"]. */
export function parseFieldPath(text: string): FieldPath {
  return text.split('.');
}

/** A copy of `data` with `fn` applied to each non-null value at `paths`; `data` itself when no path matches. */
export function mapFieldPaths(data: unknown, paths: readonly FieldPath[], fn: (value: unknown) => unknown): unknown {
  let out = data;
  for (const path of paths) out = mapAt(out, path, 0, fn);
  return out;
}

/** True when some path holds a non-null value in `data`. */
export function hasFieldPaths(data: unknown, paths: readonly FieldPath[]): boolean {
  let found = false;
  mapFieldPaths(data, paths, (v) => {
    found = true;
    return v;
  });
  return found;
}

function mapAt(node: unknown, path: FieldPath, i: number, fn: (value: unknown) => unknown): unknown {
  if (i === path.length) return node === null || node === undefined ? node : fn(node);
  if (node === null || typeof node !== 'object') return node;
  const seg = path[i]!;
  if (Array.isArray(node)) {
    if (seg !== '*') return node;
    const items = node as unknown[];
    let copy: unknown[] | undefined;
    items.forEach((item, k) => {
      const next = mapAt(item, path, i + 1, fn);
      if (next !== item) (copy ??= [...items])[k] = next;
    });
    return copy ?? node;
  }
  const obj = node as Record<string, unknown>;
  const keys = seg === '*' ? Object.keys(obj) : Object.hasOwn(obj, seg) ? [seg] : [];
  let copy: Record<string, unknown> | undefined;
  for (const k of keys) {
    const next = mapAt(obj[k], path, i + 1, fn);
    if (next !== obj[k]) (copy ??= { ...obj })[k] = next;
  }
  return copy ?? node;
}
