/** A conjoined store's in-process state cache: a purged tenant's entries go, the others' stay. */
import { describe, expect, it } from 'vitest';
import { MemoryStateCache } from '../../src/engine/MemoryStateCache.js';
import { perTenant } from '../../src/tenancy/tenantStateCache.js';
import { runAsTenant } from '../../src/tenancy/tenantScope.js';

describe('perTenant(MemoryStateCache).clearTenant', () => {
  it('drops every entry of the tenant, of every type, and keeps a tenant whose name it prefixes', async () => {
    const cache = perTenant(new MemoryStateCache());
    const state = { version: 1, state: { balance: 1 } };
    for (const tenant of ['gone', 'gone2', 'kept'])
      runAsTenant(tenant, () => {
        cache.set('account', 'a1', 'h', state);
        cache.set('order', 'o1', 'h', state);
      });
    await cache.clearTenant!('gone');
    const has = (tenant: string, type: string, id: string) => runAsTenant(tenant, () => cache.get(type, id, 'h'));
    expect(await has('gone', 'account', 'a1')).toBeUndefined();
    expect(await has('gone', 'order', 'o1')).toBeUndefined();
    for (const tenant of ['gone2', 'kept']) {
      expect(await has(tenant, 'account', 'a1')).toEqual(state);
      expect(await has(tenant, 'order', 'o1')).toEqual(state);
    }
  });
});
