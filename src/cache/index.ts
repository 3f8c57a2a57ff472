/** The Redis hot tier: what the runtime and the benchmark use. */
export { cacheFeature, createStateCache } from './cacheFeature.js';
export { CacheMetrics } from './CacheMetrics.js';
export { RedisStateCache, parseEntry, type RedisStateCacheOptions } from './RedisStateCache.js';
export { readStoreIdentity } from './readStoreIdentity.js';
export { stateKey } from './stateKey.js';
