/**
 * The canonical config tree being built from the seed spellings, with, for every value put
 * into it, the original path it came from: diagnostics about canonical paths are located
 * at the text the user wrote.
 */
import { error, warning, type Diagnostic, type SourceLocation } from '../../diagnostics.js';
import type { ErrorCode } from '../../errors.js';
import type { Path, SourceMap } from '../../tsk/document.js';
import { clonePlain, deepEqual, formatPath, isPlainObject, pathKey } from '../paths.js';

export class CanonicalTree {
  readonly value: Record<string, unknown> = {};
  readonly diagnostics: Diagnostic[] = [];
  private readonly origins = new Map<string, Path>();

  constructor(readonly sourceMap: SourceMap) {}

  /** Puts `value`, written at `from`, at canonical `to`; objects merge key by key, a different value is a conflict. */
  put(to: Path, value: unknown, from: Path): void {
    if (value === undefined) return;
    const parent = this.objectAt(to.slice(0, -1), from);
    const key = String(to[to.length - 1]);
    if (!parent) return;
    if (!Object.hasOwn(parent, key)) {
      parent[key] = clonePlain(value);
      this.origins.set(pathKey(to), from);
      return;
    }
    const existing = parent[key];
    if (isPlainObject(existing) && isPlainObject(value)) {
      for (const [k, v] of Object.entries(value)) this.put([...to, k], v, [...from, k]);
      return;
    }
    if (deepEqual(existing, value)) return;
    const first = this.originOf(to);
    const firstAt = this.sourceMap.locate(first);
    this.diagnostics.push(
      error(
        'CONFIG_INVALID',
        `${formatPath(to)} is set twice with different values: ${formatPath(first)} and ${formatPath(from)}`,
        this.sourceMap.locate(from),
        {
          path: [...to],
          ...(firstAt ? { related: [{ message: `first set here (${formatPath(first)})`, location: firstAt }] } : {}),
        },
      ),
    );
  }

  /** Records `from` as the origin of canonical `to` unless it already has one (blocks built key by key). */
  claim(to: Path, from: Path): void {
    if (!this.origins.has(pathKey(to))) this.origins.set(pathKey(to), from);
  }

  /** Appends `item` (written at `from`) to the array at `to`, creating it; duplicates are skipped. */
  append(to: Path, item: unknown, from: Path): void {
    const parent = this.objectAt(to.slice(0, -1), from);
    if (!parent) return;
    const key = String(to[to.length - 1]);
    const list = parent[key];
    if (list === undefined) {
      parent[key] = [item];
      this.origins.set(pathKey([...to, 0]), from);
      if (!this.origins.has(pathKey(to))) this.origins.set(pathKey(to), from);
      return;
    }
    if (!Array.isArray(list)) return; // zod reports the bad type
    if (list.some((x) => deepEqual(x, item))) return;
    this.origins.set(pathKey([...to, list.length]), from);
    list.push(item);
  }

  /** The value at a canonical path, if any. */
  get(path: Path): unknown {
    let v: unknown = this.value;
    for (const p of path) {
      if (Array.isArray(v) && typeof p === 'number') v = v[p];
      else if (isPlainObject(v)) v = v[String(p)];
      else return undefined;
    }
    return v;
  }

  /** The original path of a canonical one (the longest recorded prefix, plus the rest). */
  originOf(path: Path): Path {
    for (let n = path.length; n > 0; n--) {
      const from = this.origins.get(pathKey(path.slice(0, n)));
      if (from) return [...from, ...path.slice(n)];
    }
    return path;
  }

  /** Where the value at a canonical path was written (or its nearest written ancestor). */
  locate(path: Path): SourceLocation | undefined {
    return this.sourceMap.locate(this.originOf(path));
  }

  /** Where the key of a canonical path was written (for unknown keys and blocks). */
  locateKey(path: Path): SourceLocation | undefined {
    return this.sourceMap.get(this.originOf(path))?.key ?? this.locate(path);
  }

  /** Adds a warning located at the key of an original path; the message is prefixed with that path. */
  warnAt(code: ErrorCode, message: string, from: Path): void {
    const at = this.sourceMap.get(from)?.key ?? this.sourceMap.locate(from);
    this.diagnostics.push(warning(code, `${formatPath(from)}: ${message}`, at, { path: [...from] }));
  }

  /** Adds an error located at the key of an original path. */
  errorAt(code: ErrorCode, message: string, from: Path): void {
    const at = this.sourceMap.get(from)?.key ?? this.sourceMap.locate(from);
    this.diagnostics.push(error(code, `${formatPath(from)}: ${message}`, at, { path: [...from] }));
  }

  private objectAt(path: Path, from: Path): Record<string, unknown> | undefined {
    let obj: Record<string, unknown> = this.value;
    for (let i = 0; i < path.length; i++) {
      const k = String(path[i]);
      if (!Object.hasOwn(obj, k)) obj[k] = {};
      const next = obj[k];
      if (!isPlainObject(next)) {
        this.errorAt('CONFIG_INVALID', `cannot go into ${formatPath(path.slice(0, i + 1))}, which is not an object`, from);
        return undefined;
      }
      obj = next;
    }
    return obj;
  }
}
