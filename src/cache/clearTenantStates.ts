/**
 * A deleted tenant's cached states in Redis, dropped by a process that serves nothing
 * (`tusk-es tenant delete`); a server drops them through its own cache (tenantsFeature).
 * Left there, Redis would keep them, in plaintext, until their ttl. Processes that cache in
 * memory (no Redis) keep theirs until evicted: they are never served again, for the tenant's
 * tokens are refused and its id is never reused.
 */
import type { CacheConfig } from '../config/schema/cache.js';
import type { EventStore } from '../store/EventStore.js';
import { perTenant } from '../tenancy/tenantStateCache.js';
import { redisCacheOptions } from './cacheFeature.js';

/** Drops every cached state of `tenant` of the conjoined `store` from the Redis of `config`; false when Redis could not be reached. */
export async function clearTenantStates(store: EventStore, config: CacheConfig, tenant: string): Promise<boolean> {
  const { RedisStateCache } = await import('./RedisStateCache.js');
  const cache = new RedisStateCache(await redisCacheOptions(store, config));
  try {
    return (await cache.connected()) && (await perTenant(cache).clearTenant!(tenant));
  } finally {
    await cache.close();
  }
}
