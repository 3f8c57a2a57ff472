/**
 * The Redis hot tier behind the engine's StateCache seam. A cached state is only a starting
 * point (the engine always reads the stream's tail from the store after it), so Redis can make
 * loads cheaper but never staler. A Redis outage must cost time, never a request: commands
 * have a short timeout, there is no offline queue (a command while disconnected fails at
 * once), and nothing here throws or rejects.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { CachedState, StateCache } from '../engine/StateCache.js';
import type { CacheMetrics } from './CacheMetrics.js';
import { stateKey, stateKeyPattern } from './stateKey.js';

/** What the cache needs to run. */
export interface RedisStateCacheOptions {
  url: string;
  /** Lifetime of an entry, in ms. */
  ttlMs: number;
  /** Longest wait for one command, in ms. */
  timeoutMs: number;
  keyPrefix: string;
  /** Identity of the event store (see readStoreIdentity). */
  storeId: string;
  metrics?: CacheMetrics;
  logger?: Logger;
}

// Writes only move an entry forward: a load that read version 4 must not replace the version 5
// another process wrote after its commit. An equal version just gets its lifetime renewed.
const SET_IF_NEWER = `
local cur = redis.call('GET', KEYS[1])
if cur then
  local v = tonumber(string.match(cur, '^(%d+):'))
  if v and v > tonumber(ARGV[1]) then return 0 end
  if v and v == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) return 0 end
end
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. ARGV[2], 'PX', ARGV[3])
return 1`;

/** The longest wait for a connection: a command never waits for one (no offline queue), only connected() does. */
export function connectTimeoutMs(timeoutMs: number): number {
  return Math.max(1_000, timeoutMs);
}

type ScriptedRedis = Redis & { tuskSetState(key: string, version: number, json: string, ttlMs: number): Promise<number> };

/** A StateCache on one Redis connection. */
export class RedisStateCache implements StateCache {
  private readonly redis: ScriptedRedis;
  private down = false;
  private closed = false;

  constructor(private readonly options: RedisStateCacheOptions) {
    this.redis = new Redis(options.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      // A command caught by a dropped connection fails at once instead of waiting for a reconnect.
      maxRetriesPerRequest: 0,
      commandTimeout: options.timeoutMs,
      connectTimeout: connectTimeoutMs(options.timeoutMs),
      // Keep trying forever, at most every 2 s: Redis coming back must bring the hits back.
      retryStrategy: (times) => Math.min(100 * times, 2_000),
    }) as ScriptedRedis;
    this.redis.defineCommand('tuskSetState', { numberOfKeys: 1, lua: SET_IF_NEWER });
    this.redis.on('error', (err: Error) => {
      if (this.down || this.closed) return;
      this.down = true;
      options.logger?.warn({ err: err.message }, 'Redis hot tier unreachable: aggregate reads go to the database until it is back');
    });
    this.redis.on('ready', () => {
      if (this.down) options.logger?.info('Redis hot tier is back');
      this.down = false;
    });
  }

  /** Starts connecting; resolves at once (the app never waits for Redis). */
  connect(): void {
    this.redis.connect().catch(() => undefined);
  }

  /**
   * Connects and waits for it: false when Redis cannot be reached. For a process with one thing
   * to do in Redis (`tusk-es tenant delete`); a server uses connect() and never waits.
   */
  async connected(): Promise<boolean> {
    try {
      await this.redis.connect();
      return true;
    } catch {
      return false;
    }
  }

  /** True while the connection is up and usable. */
  get ready(): boolean {
    return this.redis.status === 'ready';
  }

  /** StateCache: the cached state, or undefined on a miss, an error, a timeout or while Redis is down. */
  async get(type: string, id: string, configHash: string): Promise<CachedState | undefined> {
    const metrics = this.options.metrics;
    if (!this.ready) {
      metrics?.errors.inc({ operation: 'get' });
      return undefined;
    }
    let raw: string | null;
    try {
      raw = await this.redis.get(this.key(type, id, configHash));
    } catch {
      metrics?.errors.inc({ operation: 'get' });
      return undefined;
    }
    const cached = raw === null ? undefined : parseEntry(raw);
    if (cached === undefined) {
      // An unreadable entry (another writer, another version of tusk-es) is a miss, then overwritten.
      metrics?.misses.inc({ aggregate_type: type });
      return undefined;
    }
    metrics?.hits.inc({ aggregate_type: type });
    return cached;
  }

  /** StateCache: remembers a state if it is newer than the cached one; fire and forget. */
  set(type: string, id: string, configHash: string, value: CachedState): void {
    const metrics = this.options.metrics;
    // Entries carry no tombstone flag: a deleted aggregate's state is not cached (rare, and a
    // stale older entry is safe: the tail read after it finds the tombstone).
    if (value.deleted === true) return;
    if (!this.ready) {
      metrics?.errors.inc({ operation: 'set' });
      return;
    }
    let json: string;
    try {
      json = JSON.stringify(value.state);
    } catch {
      metrics?.errors.inc({ operation: 'set' });
      return;
    }
    this.redis.tuskSetState(this.key(type, id, configHash), value.version, json, this.options.ttlMs).then(
      (written) => {
        if (written === 1) metrics?.writes.inc({ aggregate_type: type });
      },
      () => metrics?.errors.inc({ operation: 'set' }),
    );
  }

  /**
   * StateCache: forgets an aggregate whose events were removed or whose subject was forgotten;
   * fire and forget. Without `configHash`, the entries of every config hash (a forget does not
   * know the hash a state was cached under).
   */
  delete(type: string, id: string, configHash?: string): void {
    void this.deleteNow(type, id, configHash);
  }

  /** delete, resolving once done (never rejecting): a DEL with `configHash`, else a SCAN for every hash's entry. */
  async deleteNow(type: string, id: string, configHash?: string): Promise<void> {
    if (configHash === undefined) {
      await this.unlinkMatching(stateKeyPattern(this.options.keyPrefix, this.options.storeId, type, id, false));
      return;
    }
    if (!this.ready) {
      this.options.metrics?.errors.inc({ operation: 'delete' });
      return;
    }
    await this.redis.del(this.key(type, id, configHash)).catch(() => this.options.metrics?.errors.inc({ operation: 'delete' }));
  }

  /**
   * StateCache: drops the entries, of every config hash, whose id starts with `prefix`; false
   * when Redis could not be reached or failed on the way.
   */
  deleteIdPrefix(prefix: string): Promise<boolean> {
    return this.unlinkMatching(stateKeyPattern(this.options.keyPrefix, this.options.storeId, undefined, prefix, true));
  }

  /** SCANs for the keys `match` matches and UNLINKs them; false when Redis could not be reached or failed on the way. */
  private async unlinkMatching(match: string): Promise<boolean> {
    if (!this.ready) {
      this.options.metrics?.errors.inc({ operation: 'delete' });
      return false;
    }
    try {
      let cursor = '0';
      do {
        const [next, keys] = await this.redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
        if (keys.length > 0) await this.redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    } catch {
      this.options.metrics?.errors.inc({ operation: 'delete' });
      return false;
    }
    return true;
  }

  /** The Redis key of an aggregate's state (tests and tools). */
  key(type: string, id: string, configHash: string): string {
    return stateKey(this.options.keyPrefix, this.options.storeId, type, id, configHash);
  }

  /** Closes the connection (pending writes are given up to the command timeout). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.redis.status === 'ready') {
      await this.redis.quit().catch(() => undefined);
    }
    this.redis.disconnect();
  }
}

/** `<version>:<state json>` back into a CachedState; undefined when malformed. */
export function parseEntry(raw: string): CachedState | undefined {
  const colon = raw.indexOf(':');
  if (colon <= 0) return undefined;
  const version = Number(raw.slice(0, colon));
  if (!Number.isInteger(version) || version < 1) return undefined;
  try {
    const state: unknown = JSON.parse(raw.slice(colon + 1));
    if (state === null || typeof state !== 'object' || Array.isArray(state)) return undefined;
    return { version, state: state as CachedState['state'] };
  } catch {
    return undefined;
  }
}
