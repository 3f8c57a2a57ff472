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

/** Slots grow by doubling; each holds a key's and a value's file, line and column. */
const FIELDS = 6;
/** `file` slot value of a path located without a key. */
const NO_KEY = -1;

/**
 * A SourceMap backed by one Map from the path's key to a slot in one Int32Array: six numbers
 * per located path (key and value: file index, line, column) instead of objects, so a large
 * file's map holds no location objects (and keeps none of the AST's alive). `get` builds the
 * objects when asked. A location with an end (none come from the parser today) is kept whole.
 */
export class PathSourceMap implements SourceMap {
  private readonly entries = new Map<string, number>();
  private readonly files: string[] = [];
  private readonly fileIndex = new Map<string, number>();
  private slots = new Int32Array(64 * FIELDS);
  private used = 0;
  /** Locations that do not fit a slot (they carry an end), by slot. */
  private readonly whole = new Map<number, PathLocation>();

  get(path: Path): PathLocation | undefined {
    const slot = this.entries.get(keyOf(path));
    return slot === undefined ? undefined : this.read(slot);
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
    const key = keyOf(path);
    let slot = this.entries.get(key);
    if (slot === undefined) {
      slot = this.used++;
      if (slot * FIELDS >= this.slots.length) {
        const grown = new Int32Array(this.slots.length * 2);
        grown.set(this.slots);
        this.slots = grown;
      }
      this.entries.set(key, slot);
    }
    const { key: k, value: v } = location;
    if (v.endLine !== undefined || v.endColumn !== undefined || k?.endLine !== undefined || k?.endColumn !== undefined) {
      this.whole.set(slot, location);
      return;
    }
    this.whole.delete(slot);
    const at = slot * FIELDS;
    const s = this.slots;
    s[at] = k ? this.fileId(k.file) : NO_KEY;
    s[at + 1] = k ? k.line : 0;
    s[at + 2] = k ? k.column : 0;
    s[at + 3] = this.fileId(v.file);
    s[at + 4] = v.line;
    s[at + 5] = v.column;
  }

  /** Copies the entries under `from` in another map to `to` in this one (for `@file`). */
  graft(other: PathSourceMap, from: Path, to: Path): void {
    for (const [key, slot] of other.entries) {
      const path = pathOf(key);
      if (path.length < from.length || !from.every((p, i) => path[i] === p)) continue;
      const rest = path.slice(from.length);
      if (rest.length === 0) continue; // the include site itself keeps its own location
      this.set([...to, ...rest], other.read(slot));
    }
  }

  /** Forgets every entry (a file evaluated piece by piece starts over at a syntax error). */
  clear(): void {
    this.entries.clear();
    this.whole.clear();
    this.used = 0;
  }

  /** Number of located paths (for tests and stats). */
  get size(): number {
    return this.entries.size;
  }

  private read(slot: number): PathLocation {
    const whole = this.whole.get(slot);
    if (whole) return whole;
    const at = slot * FIELDS;
    const s = this.slots;
    const value: SourceLocation = { file: this.files[s[at + 3]!]!, line: s[at + 4]!, column: s[at + 5]! };
    if (s[at] === NO_KEY) return { value };
    return { key: { file: this.files[s[at]!]!, line: s[at + 1]!, column: s[at + 2]! }, value };
  }

  private fileId(file: string): number {
    let id = this.fileIndex.get(file);
    if (id === undefined) {
      id = this.files.length;
      this.files.push(file);
      this.fileIndex.set(file, id);
    }
    return id;
  }
}
