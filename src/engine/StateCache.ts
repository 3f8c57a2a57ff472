/**
 * The hot tier's seam (SPEC §11 `cache`): a cached aggregate state is used like a snapshot, a
 * starting point whose tail is always read from the store. A cache can therefore make loads
 * cheaper but never staler, and a cache that fails only costs the read it would have saved.
 */
import type { AggregateState } from './evolve.js';

/** A state of one aggregate at a version. */
export interface CachedState {
  version: number;
  state: AggregateState;
  /** The stream ends with a tombstone (see systemEvents.ts). */
  deleted?: boolean;
}

/** Where recent aggregate states are kept (Redis). Implementations never throw. */
export interface StateCache {
  /** The cached state of the aggregate under `configHash`, or undefined (also when the cache is down). */
  get(type: string, id: string, configHash: string): Promise<CachedState | undefined>;
  /**
   * What `get` resolves to, at once, for a cache in this process: a command that finds its
   * state here runs its decision without waiting a turn (server CPU per command, bench/README.md
   * `http_64`). Absent on caches that need I/O (Redis).
   */
  peek?(type: string, id: string, configHash: string): CachedState | undefined;
  /**
   * Remembers a state after a commit or a load; fire and forget. `generation`: this cache's
   * `generation()` taken before the state began to be read (LoadedAggregate.generation); a
   * state read before a drop is not cached after it, for it may hold what was dropped.
   * `made`: the id was made by this process for the command that wrote this state (a creating
   * command sent without one), so no entry can hold it yet: a cache in memory skips its lookup.
   */
  set(type: string, id: string, configHash: string, value: CachedState, generation?: number, made?: boolean): void;
  /**
   * Counts this process's drops (delete, deleteIdPrefix, clear). A load in flight when a subject
   * is forgotten decrypted its fields before the forget; the count having moved by the time it
   * caches is how `set` knows. Absent where nothing personal is cached (Redis: cacheFeature).
   */
  generation?(): number;
  /**
   * Drops an aggregate's cached states (its personal data was forgotten, its events were
   * removed); `configHash` names the entry where the cache keys by it (Redis), and without it
   * the entries of every config hash go.
   */
  delete?(type: string, id: string, configHash?: string): void;
  /**
   * Drops every entry whose id starts with `prefix` (how a purged tenant's entries go:
   * tenantStateCache.ts); false when some could not be dropped (Redis unreachable).
   */
  deleteIdPrefix?(prefix: string): Promise<boolean>;
  /** Drops every entry this process holds in memory (another process forgot a subject: forgetEvictions.ts). */
  clear?(): void;
  /** Drops every entry of `tenant` of a conjoined store (its data was purged); false as deleteIdPrefix. */
  clearTenant?(tenant: string): Promise<boolean>;
}
