/**
 * The Redis hot tier (SPEC §11 `cache`): when the model has an enabled `cache` block, the
 * engine loads aggregate states through Redis. The database stays the source of truth.
 */
import { cacheForTenancy } from '../tenancy/tenantStateCache.js';
import { conjoined } from '../tenancy/conjoined.js';
import type { CacheConfig } from '../config/schema/cache.js';
import type { Feature } from '../runtime/Feature.js';
import type { Runtime } from '../runtime/Runtime.js';
import type { StateCache } from '../engine/StateCache.js';
import type { EventStore } from '../store/EventStore.js';
import { personalDataOf } from '../personalData/withPersonalData.js';
import { CacheMetrics } from './CacheMetrics.js';
import { readStoreIdentity } from './readStoreIdentity.js';
import type { RedisStateCache, RedisStateCacheOptions } from './RedisStateCache.js';

/** Builds the cache of `config` for `runtime` (not connected yet); the benchmark uses it too. */
export async function createStateCache(runtime: Runtime, config: CacheConfig): Promise<RedisStateCache> {
  // Loaded only when a cache is configured: ioredis costs every start a fifth of a second.
  const { RedisStateCache } = await import('./RedisStateCache.js');
  return new RedisStateCache({
    ...(await redisCacheOptions(runtime.store, config)),
    metrics: new CacheMetrics(runtime.metrics.registry),
    logger: runtime.logger.child({ component: 'cache' }),
  });
}

/** The options of the cache of `config` on `store`. */
export async function redisCacheOptions(store: EventStore, config: CacheConfig): Promise<RedisStateCacheOptions> {
  return {
    url: config.url,
    ttlMs: config.ttl,
    timeoutMs: config.timeout,
    keyPrefix: config.key_prefix,
    storeId: await readStoreIdentity(store),
  };
}

/**
 * `cache` for every aggregate type but those `skip` names. `delete` passes through for every
 * type: a removed stream's entry left behind would be read as the state of a new stream with
 * the same id once it reaches the cached version again.
 */
function withoutTypes(cache: StateCache, skip: (type: string) => boolean): StateCache {
  return {
    get: (type, id, hash) => (skip(type) ? Promise.resolve(undefined) : cache.get(type, id, hash)),
    set: (type, id, hash, value) => {
      if (!skip(type)) cache.set(type, id, hash, value);
    },
    ...(cache.delete === undefined ? {} : { delete: (type: string, id: string, hash?: string) => cache.delete?.(type, id, hash) }),
    ...(cache.clearTenant === undefined ? {} : { clearTenant: (tenant: string) => cache.clearTenant!(tenant) }),
  };
}

export const cacheFeature: Feature = {
  name: 'cache',
  async install(runtime) {
    const config = runtime.model.cache;
    if (config === undefined || !config.enabled) return;
    const cache = await createStateCache(runtime, config);
    // Redis keeps what it holds in plaintext (and on disk): states derived from personal fields stay out of it
    const personal = personalDataOf(runtime.store)?.rules;
    const perTenant = cacheForTenancy(cache, conjoined(runtime.model));
    runtime.engine.stateCache = personal === undefined ? perTenant : withoutTypes(perTenant, (type) => personal.coversStream(type));
    await runtime.addService({
      name: 'cache',
      start: () => cache.connect(),
      stop: async () => {
        delete runtime.engine.stateCache;
        await cache.close();
      },
    });
  },
};
