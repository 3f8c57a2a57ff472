/** The SourceMap of a loaded document: value path → where its key and value were written. */
import type { SourceLocation } from '../diagnostics.js';
import type { Path, PathLocation, SourceMap } from './document.js';

/**
 * The map key of a path: each part after a NUL, an index marked by a leading SOH so `[0]`
 * and `["0"]` differ (and `[]` and `[""]` do). Building it is the hot spot of a large file's load (JSON.stringify was).
 */
function keyOf(path: Path): string {
  let key = '';
  for (let i = 0; i < path.length; i++) {
    const p = path[i]!;
    key += typeof p === 'number' ? `\u0000\u0001${p}` : `\u0000${p}`;
  }
  return key;
}

/** The path a key was made from (for `graft`, the only reader of whole paths). */
function pathOf(key: string): Path {
  return key
    .split('\u0000')
    .slice(1)
    .map((p) => (p.startsWith('\u0001') ? Number(p.slice(1)) : p));
}

/**
 * A SourceMap backed by one Map from the path's key to its locations. Compact: one string and
 * one small object per located path (the locations themselves are the AST's, shared).
 */
export class PathSourceMap implements SourceMap {
  private readonly entries = new Map<string, PathLocation>();

  get(path: Path): PathLocation | undefined {
    return this.entries.get(keyOf(path));
  }

  /** The value's location, or the nearest ancestor's (its key, where the author looks). */
  locate(path: Path): SourceLocation | undefined {
    const exact = this.get(path);
    if (exact) return exact.value;
    for (let n = path.length - 1; n >= 0; n--) {
      const found = this.get(path.slice(0, n));
      if (found) return found.key ?? found.value;
    }
    return undefined;
  }

  set(path: Path, location: PathLocation): void {
    this.entries.set(keyOf(path), location);
  }

  /** Copies the entries under `from` in another map to `to` in this one (for `@file`). */
  graft(other: PathSourceMap, from: Path, to: Path): void {
    for (const [key, location] of other.entries) {
      const path = pathOf(key);
      if (path.length < from.length || !from.every((p, i) => path[i] === p)) continue;
      const rest = path.slice(from.length);
      if (rest.length === 0) continue; // the include site itself keeps its own location
      this.set([...to, ...rest], location);
    }
  }

  /** Number of located paths (for tests and stats). */
  get size(): number {
    return this.entries.size;
  }
}
