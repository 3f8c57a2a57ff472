/**
 * Which tenant the work in progress belongs to, carried through async calls
 * (AsyncLocalStorage), so no store call needs a tenant argument: the store's conjoined client
 * (src/store/tenantScopedClient.ts) sets it as `tusk.tenant` before every statement, and row-level
 * security does the rest. Work outside any tenant (consumers following the whole log, start-up,
 * leases) runs as the system, which row-level security lets see every tenant.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { TuskError } from '../errors.js';

/** The `tusk.tenant` value of system work: no tenant name can be it (see isTenantName). */
export const SYSTEM_TENANT = '*';

const scope = new AsyncLocalStorage<string>();

/** Runs `fn` (and everything it awaits or starts) as `tenant`. */
export function runAsTenant<T>(tenant: string, fn: () => T): T {
  if (!isTenantName(tenant))
    throw new TuskError('TENANT_INVALID', `not a valid tenant name (${TENANT_NAME_RULE}): ${JSON.stringify(tenant.slice(0, 80))}`);
  return scope.run(tenant, fn);
}

/**
 * Runs `fn` as the system (every tenant), e.g. the framework's own statements inside a tenant's
 * batch. Outside any tenant's scope work already runs as the system, so no scope is entered:
 * the first `run` of an AsyncLocalStorage switches on a hook that every promise of the process
 * pays from then on (a consumer's commit did it in every app without tenancy: issue 21).
 */
export function runAsSystem<T>(fn: () => T): T {
  return scope.getStore() === undefined ? fn() : scope.run(SYSTEM_TENANT, fn);
}

/** The tenant of the work in progress; SYSTEM_TENANT outside any. */
export function currentTenant(): string {
  return scope.getStore() ?? SYSTEM_TENANT;
}

/** True inside runAsTenant (a request or a tenant's batch), false for system work. */
export function inTenant(): boolean {
  const t = scope.getStore();
  return t !== undefined && t !== SYSTEM_TENANT;
}

/** The one tenant-name rule, in words, for the messages of every path that checks a name. */
export const TENANT_NAME_RULE = '1-128 letters, digits, ".", "_", "-", ":" or "@", starting with a letter or digit';

/**
 * Whether `name` is a tenant name (TENANT_NAME_RULE): the only check of one, for a request's
 * tenant and for the registry's ids alike, so every tenant a token can name can be registered.
 */
export function isTenantName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/.test(name);
}
