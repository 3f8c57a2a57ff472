/**
 * One tenant-name rule: a request's tenant (runAsTenant, as the tenant hook runs every request)
 * and the registry's ids (`tusk-es tenant create`, POST /tenants) accept and refuse the same names.
 */
import { describe, expect, it } from 'vitest';
import { tenantId } from '../../src/tenancy/registry/tenantRegistry.js';
import { isTenantName, runAsTenant, SYSTEM_TENANT } from '../../src/tenancy/tenantScope.js';

const GOOD = ['acme', 'A', '7', 'acme-eu.prod_2', 'org:acme', 'alice@example.org', 'a'.repeat(128)];
const BAD = ['', SYSTEM_TENANT, '-acme', '.acme', ':acme', '@acme', 'a'.repeat(129), 'ac me', 'acme/eu', "acme'", 'acmé', 'acme\n'];

/** What the request path says of `name`: the tenant it runs as, or the error code. */
const asRequest = (name: string) => {
  try {
    return runAsTenant(name, () => 'ok');
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

/** What the registry says of `name`: the id, or the error code. */
const asRegistryId = (name: string) => {
  try {
    return tenantId(name) === name ? 'ok' : 'changed';
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('tenant names', () => {
  it.each(GOOD)('accepts %j on the request path and in the registry', (name) => {
    expect(isTenantName(name)).toBe(true);
    expect(asRequest(name)).toBe('ok');
    expect(asRegistryId(name)).toBe('ok');
  });

  it.each(BAD)('refuses %j on the request path (TENANT_INVALID) and in the registry (BAD_REQUEST)', (name) => {
    expect(isTenantName(name)).toBe(false);
    expect(asRequest(name)).toBe('TENANT_INVALID');
    expect(asRegistryId(name)).toBe('BAD_REQUEST');
  });

  it('the registry refuses a tenant id that is not a string, naming the rule', () => {
    expect(() => tenantId(42)).toThrow(/1-128 letters, digits, "\.", "_", "-", ":" or "@"/);
  });
});
