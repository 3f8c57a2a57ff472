/** The SourceMap of a loaded document: value path → where its key and value were written. */
import type { SourceLocation } from '../diagnostics.js';
import type { Path, PathLocation, SourceMap } from './document.js';

function keyOf(path: Path): string {
  return JSON.stringify(path);
}

/** A SourceMap backed by one Map keyed by the JSON of the path. */
export class PathSourceMap implements SourceMap {
  private readonly entries = new Map<string, { path: Path; location: PathLocation }>();

  get(path: Path): PathLocation | undefined {
    return this.entries.get(keyOf(path))?.location;
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
    this.entries.set(keyOf(path), { path: [...path], location });
  }

  /** Copies the entries under `from` in another map to `to` in this one (for `@file`). */
  graft(other: PathSourceMap, from: Path, to: Path): void {
    for (const { path, location } of other.entries.values()) {
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
