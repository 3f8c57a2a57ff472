import { describe, expect, it } from 'vitest';
import { currentTenant, inTenant, runAsSystem, runAsTenant, SYSTEM_TENANT } from '../../src/tenancy/tenantScope.js';

describe('runAsSystem', () => {
  it('runs as the system outside any tenant (without entering a scope) and inside a tenant, through awaits', async () => {
    const outside = await runAsSystem(async () => {
      await Promise.resolve();
      return [currentTenant(), inTenant()];
    });
    expect(outside).toEqual([SYSTEM_TENANT, false]);
    const inside = await runAsTenant('acme', async () => {
      const system = await runAsSystem(async () => {
        await new Promise((r) => setImmediate(r));
        return [currentTenant(), inTenant()];
      });
      return [...system, currentTenant(), inTenant()];
    });
    expect(inside).toEqual([SYSTEM_TENANT, false, 'acme', true]);
  });

  it('inside runAsSystem, a tenant scope still applies to what it runs', async () => {
    const seen = await runAsSystem(() => runAsTenant('t-1', async () => currentTenant()));
    expect(seen).toBe('t-1');
    expect(currentTenant()).toBe(SYSTEM_TENANT);
  });
});
