/**
 * Consumers of a conjoined store (issue 20): a consumer follows the whole log as the system, and
 * hands its handler batches of ONE tenant, run as that tenant, so what the handler writes
 * (projection rows, saga commands, dead letters) belongs to the tenant of its events and row-level
 * security checks it. A single-tenant store's events have no tenant: nothing changes there.
 */
import type { StoredEvent } from '../store/EventStore.js';
import { runAsTenant } from '../tenancy/tenantScope.js';

/** The first events of `events` that share the first one's tenant; `cut` when later ones were left for the next batch. */
export function oneTenant(events: StoredEvent[]): { events: StoredEvent[]; cut: boolean } {
  const tenant = events[0]?.tenantId;
  const other = events.findIndex((e) => e.tenantId !== tenant);
  return other < 0 ? { events, cut: false } : { events: events.slice(0, other), cut: true };
}

/** Runs `fn` as `tenant`, or as it is when there is none (a single-tenant store). */
export function asTenant<T>(tenant: string | undefined, fn: () => T): T {
  return tenant === undefined ? fn() : runAsTenant(tenant, fn);
}
