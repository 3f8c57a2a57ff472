/**
 * The state cache of a conjoined store (issue 20): the same aggregate id in two tenants is two
 * streams, so a cached state is keyed by the tenant of the work in progress too. Without it a
 * command of tenant A would start from tenant B's cached state.
 */
import type { CachedState, StateCache } from '../engine/StateCache.js';
import { currentTenant } from './tenantScope.js';

/** `cache` with every id qualified by the current tenant. */
export function perTenant(cache: StateCache): StateCache {
  const key = (id: string) => `${currentTenant()}\u0000${id}`;
  return {
    ...(cache.clear === undefined ? {} : { clear: () => cache.clear?.() }),
    clearTenant: (tenant: string) => cache.deleteIdPrefix?.(`${tenant}\u0000`) ?? Promise.resolve(true),
    get: (type: string, id: string, configHash: string) => cache.get(type, key(id), configHash),
    set: (type: string, id: string, configHash: string, value: CachedState, generation?: number) =>
      cache.set(type, key(id), configHash, value, generation),
    ...(cache.generation === undefined ? {} : { generation: () => cache.generation!() }),
    // the config hash goes along: Redis keys by it (without it, it drops every hash's entry)
    ...(cache.delete === undefined
      ? {}
      : { delete: (type: string, id: string, configHash?: string) => cache.delete?.(type, key(id), configHash) }),
  };
}

/** `cache` as a conjoined store of `conjoined` needs it. */
export function cacheForTenancy(cache: StateCache, conjoined: boolean): StateCache {
  return conjoined ? perTenant(cache) : cache;
}
