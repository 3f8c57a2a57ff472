/**
 * The default hot tier when no Redis `cache` is configured: recent aggregate states in this
 * process. Like every StateCache it is only a starting point — the stream's tail after the
 * cached version is read on every load — so it saves the snapshot lookup and the fold since
 * the snapshot, never correctness (another process's appends are in the tail). Commands even
 * skip the tail read (see handleCommand), which leaves them no read at all (bench `http_64`).
 */
import { BoundedMap } from '../util/BoundedMap.js';
import { frozenCopy } from '../util/frozenCopy.js';
import type { CachedState, StateCache } from './StateCache.js';

/** A bounded, least-recently-set map of aggregate states. */
export class MemoryStateCache implements StateCache {
  private readonly entries: BoundedMap<string, { hash: string; value: CachedState }>;
  /** StateCache.generation: bumped by every drop. */
  private drops = 0;

  constructor(capacity = 10_000) {
    this.entries = new BoundedMap(capacity);
  }

  /**
   * The cached state, deeply frozen: it is shared by every load that gets it, and the engine
   * only reads states (evolve builds new ones), so no copy is made per load.
   */
  get(type: string, id: string, configHash: string): Promise<CachedState | undefined> {
    return Promise.resolve(this.peek(type, id, configHash));
  }

  peek(type: string, id: string, configHash: string): CachedState | undefined {
    const entry = this.entries.get(`${type}\u0000${id}`);
    return entry === undefined || entry.hash !== configHash ? undefined : entry.value;
  }

  generation(): number {
    return this.drops;
  }

  set(type: string, id: string, configHash: string, value: CachedState, generation?: number, made = false): void {
    const key = `${type}\u0000${id}`;
    // Read before a drop (a forget): maybe plaintext the drop removed. The entry, if any, is
    // older than this state, so it goes too; the next load reads the store.
    if (generation !== undefined && generation !== this.drops) {
      this.entries.delete(key);
      return;
    }
    // An id made for this state's command is in no entry: no lookup (one per CreateUser, issue 21).
    const old = made ? undefined : this.entries.get(key);
    // A load that raced a command may finish last: never go back to an older version.
    if (old !== undefined && old.hash === configHash && old.value.version > value.version) return;
    // A frozen copy: the caller keeps (and may change) the state it handed in.
    const entry = {
      hash: configHash,
      value: Object.freeze({
        version: value.version,
        state: frozenCopy(value.state),
        ...(value.deleted === true ? { deleted: true } : {}),
      }),
    };
    // A key just found absent needs no second lookup to move it last.
    if (old === undefined) this.entries.setNew(key, entry);
    else this.entries.set(key, entry);
  }

  delete(type: string, id: string): void {
    this.drops++;
    this.entries.delete(`${type}\u0000${id}`);
  }

  clear(): void {
    this.drops++;
    this.entries.clear();
  }

  deleteIdPrefix(prefix: string): Promise<boolean> {
    this.drops++;
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix, key.indexOf('\u0000') + 1)) this.entries.delete(key);
    return Promise.resolve(true);
  }
}
