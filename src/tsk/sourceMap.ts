/** The SourceMap of a loaded document: value path → where its key and value were written. */
import type { SourceLocation } from '../diagnostics.js';
import type { Path, PathLocation, SourceMap } from './document.js';

type Part = string | number;

/** Numbers per node: the key's file index, line and column, then the value's. */
const FIELDS = 6;
/** Key file slot of a node located without a key. */
const NO_KEY = -1;
/** Value file slot of a node that is only on the way to others (no location of its own). */
const UNLOCATED = -2;
/** The node of the path `[]`. */
export const ROOT_NODE = 0;

/**
 * A SourceMap kept as a tree of path nodes in typed arrays: per node its parent, its part
 * (key or index) and six numbers (key and value: file index, line, column), so a large file's
 * map holds no location objects and no path keys. The evaluator adds nodes under the node it
 * is at (`child`), which costs no lookup: building a string key per path and hashing it into
 * one Map was a large file's load hot spot (issue 18). A node's children are indexed by part
 * only when a lookup first passes through it (`get`, `set`, `graft`), and the few that were
 * added twice under one part before that (a `$var`'s object evaluated where its keys later
 * land) are merged then, the later location winning, as a Map from path to location would.
 * `get` builds the location objects when asked; a location with an end (none come from the
 * parser today) is kept whole.
 */
export class PathSourceMap implements SourceMap {
  private count = 1;
  private parents = new Int32Array(64);
  private readonly parts: Part[] = [''];
  /** Children as linked lists (first child, next sibling), to index a node's children on demand. */
  private firstChild = new Int32Array(64).fill(-1);
  private lastChild = new Int32Array(64).fill(-1);
  private nextSibling = new Int32Array(64).fill(-1);
  private slots = new Int32Array(64 * FIELDS).fill(UNLOCATED);
  /** The children of a node by part, once a lookup has passed through it. */
  private readonly indexes = new Map<number, Map<Part, number>>();
  /** Nodes merged into another (same parent and part), whose children are that node's too. */
  private readonly merged = new Map<number, number[]>();
  /** The other way: the node each merged node was merged into (a caller may still hold its id). */
  private readonly mergedInto = new Map<number, number>();
  private readonly files: string[] = [];
  private readonly fileIndex = new Map<string, number>();
  private lastFile: string | undefined;
  private lastFileId = 0;
  /** Locations that do not fit the slots (they carry an end), by node. */
  private readonly whole = new Map<number, PathLocation>();

  get(path: Path): PathLocation | undefined {
    const node = this.find(path);
    return node === undefined ? undefined : this.read(node);
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
    let node = ROOT_NODE;
    for (const part of path) node = this.child(node, part);
    this.setAt(node, location);
  }

  /** The node of `part` under `node`, added if there is none yet (for the evaluator: no path lookup). */
  child(node: number, part: Part): number {
    if (this.mergedInto.size > 0) node = this.mergedInto.get(node) ?? node;
    const index = this.indexes.get(node);
    const known = index?.get(part);
    if (known !== undefined) return known;
    const n = this.count++;
    if (n >= this.parents.length) this.grow();
    this.parents[n] = node;
    this.parts.push(part);
    if (this.firstChild[node] === -1) this.firstChild[node] = n;
    else this.nextSibling[this.lastChild[node]!] = n;
    this.lastChild[node] = n;
    index?.set(part, n);
    return n;
  }

  /** The path of `node`. */
  pathOf(node: number): Part[] {
    const path: Part[] = [];
    for (let n = node; n !== ROOT_NODE; n = this.parents[n]!) path.push(this.parts[n]!);
    return path.reverse();
  }

  /** Locates the path of `node` (a node from `child`). */
  setAt(node: number, location: PathLocation): void {
    if (this.mergedInto.size > 0) node = this.mergedInto.get(node) ?? node;
    const { key: k, value: v } = location;
    if (v.endLine !== undefined || v.endColumn !== undefined || k?.endLine !== undefined || k?.endColumn !== undefined) {
      this.whole.set(node, location);
      return;
    }
    if (this.whole.size > 0) this.whole.delete(node);
    const at = node * FIELDS;
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
    const start = other.find(from);
    if (start === undefined) return;
    // the include site itself keeps its own location: only what is below it is copied
    const walk = (node: number, path: Part[]) => {
      for (const [part, child] of other.childIndex(node)) {
        const here = [...path, part];
        const loc = other.read(child);
        if (loc) this.set(here, loc);
        walk(child, here);
      }
    };
    walk(start, [...to]);
  }

  /** Forgets every entry (a file evaluated piece by piece starts over at a syntax error). */
  clear(): void {
    this.count = 1;
    this.parts.length = 1;
    this.firstChild.fill(-1);
    this.lastChild.fill(-1);
    this.nextSibling.fill(-1);
    this.slots.fill(UNLOCATED);
    this.indexes.clear();
    this.merged.clear();
    this.mergedInto.clear();
    this.whole.clear();
  }

  /** Number of located paths (for tests and stats). */
  get size(): number {
    let n = 0;
    const walk = (node: number) => {
      for (const child of this.childIndex(node).values()) {
        if (this.located(child)) n++;
        walk(child);
      }
    };
    if (this.located(ROOT_NODE)) n++;
    walk(ROOT_NODE);
    return n;
  }

  private find(path: Path): number | undefined {
    let node = ROOT_NODE;
    for (const part of path) {
      const next = this.childIndex(node).get(part);
      if (next === undefined) return undefined;
      node = next;
    }
    return node;
  }

  /** The children of `node` by part, indexed on first use; children added twice under one part are merged. */
  private childIndex(node: number): Map<Part, number> {
    let index = this.indexes.get(node);
    if (index) return index;
    index = new Map();
    const children: number[] = [];
    for (const n of [node, ...(this.merged.get(node) ?? [])]) {
      for (let c = this.firstChild[n]!; c !== -1; c = this.nextSibling[c]!) children.push(c);
    }
    if (this.merged.has(node)) children.sort((a, b) => a - b); // in the order they were added
    for (const c of children) {
      const part = this.parts[c]!;
      const first = index.get(part);
      if (first === undefined) {
        index.set(part, c);
        continue;
      }
      // the same path twice: one node, located where it was located last
      if (this.located(c)) {
        this.slots.copyWithin(first * FIELDS, c * FIELDS, (c + 1) * FIELDS);
        const w = this.whole.get(c);
        if (w) this.whole.set(first, w);
        else this.whole.delete(first);
      }
      const into = this.merged.get(first);
      if (into) into.push(c);
      else this.merged.set(first, [c]);
      this.mergedInto.set(c, first);
    }
    this.indexes.set(node, index);
    return index;
  }

  private located(node: number): boolean {
    return this.whole.has(node) || this.slots[node * FIELDS + 3] !== UNLOCATED;
  }

  private read(node: number): PathLocation | undefined {
    const whole = this.whole.get(node);
    if (whole) return whole;
    const at = node * FIELDS;
    const s = this.slots;
    if (s[at + 3] === UNLOCATED) return undefined;
    const value: SourceLocation = { file: this.files[s[at + 3]!]!, line: s[at + 4]!, column: s[at + 5]! };
    if (s[at] === NO_KEY) return { value };
    return { key: { file: this.files[s[at]!]!, line: s[at + 1]!, column: s[at + 2]! }, value };
  }

  private grow(): void {
    const size = this.parents.length * 2;
    const grown = (old: Int32Array, fill: number, per = 1) => {
      const a = new Int32Array(size * per); // zeros: only the new half needs another fill
      a.set(old);
      if (fill !== 0) a.fill(fill, old.length);
      return a;
    };
    this.parents = grown(this.parents, 0);
    this.firstChild = grown(this.firstChild, -1);
    this.lastChild = grown(this.lastChild, -1);
    this.nextSibling = grown(this.nextSibling, -1);
    this.slots = grown(this.slots, UNLOCATED, FIELDS);
  }

  private fileId(file: string): number {
    if (file === this.lastFile) return this.lastFileId; // nearly always: one file's locations in a row
    let id = this.fileIndex.get(file);
    if (id === undefined) {
      id = this.files.length;
      this.files.push(file);
      this.fileIndex.set(file, id);
    }
    this.lastFile = file;
    this.lastFileId = id;
    return id;
  }
}
