/**
 * What the auth hook asks about a JWT's tenant: may it call at all (a disabled or deleted
 * tenant is 403 TENANT_DISABLED), and may it append now (its events/s quota, else 429 with
 * Retry-After; its storage quota, else 403). Registry rows are cached for `CACHE_MS` so a request costs no query; a change
 * made through this process is seen at once, one made elsewhere (the CLI, another process of
 * a fleet) within `CACHE_MS`.
 */
import type { EventStore } from '../../store/EventStore.js';
import { TuskError } from '../../errors.js';
import { TenantRegistry, type Tenant } from './tenantRegistry.js';
import { TenantPause } from './tenantPause.js';
import { bytesAt, storedUsage } from './tenantUsage.js';

const CACHE_MS = 2_000;
/** How long a tenant's counted storage is trusted (plus what this process appended since): a count scans the events table. */
const USAGE_MS = 30_000;

interface Cached {
  tenant: Tenant | undefined;
  until: number;
}

/** A token bucket of one tenant: `tokens` events may be appended now; refills at the quota per second. */
interface Bucket {
  tokens: number;
  at: number;
  rate: number;
}

/** The registry's view for the auth hook, and the per-tenant quotas of this process. */
export class TenantGate {
  readonly registry: TenantRegistry;
  /** Pauses of tenants' requests (a move's switch). */
  readonly pauses = new TenantPause();
  private readonly cache = new Map<string, Cached>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly stored = new Map<string, { bytes: number; until: number }>();

  constructor(private readonly store: EventStore) {
    this.registry = new TenantRegistry(store);
  }

  /** Throws 403 TENANT_DISABLED for a disabled or deleted tenant; resolves to its registry row (undefined: never created). */
  async admit(tenant: string): Promise<Tenant | undefined> {
    const now = Date.now();
    let cached = this.cache.get(tenant);
    if (cached === undefined || cached.until <= now) {
      cached = { tenant: await this.registry.get(tenant), until: now + CACHE_MS };
      this.cache.set(tenant, cached);
    }
    const row = cached.tenant;
    if (row !== undefined && row.status !== 'active')
      throw new TuskError('TENANT_DISABLED', `tenant "${tenant}" is ${row.status}`, { details: { tenant, status: row.status } });
    return row;
  }

  /** Throws 429 TENANT_QUOTA_EXCEEDED (with the seconds to wait) when `row`'s bucket is empty. */
  checkQuota(row: Tenant | undefined): void {
    const bucket = this.bucket(row);
    if (bucket === undefined || bucket.tokens >= 1) return;
    const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / bucket.rate));
    throw new TuskError('TENANT_QUOTA_EXCEEDED', `tenant "${row!.id}" is over its quota of ${bucket.rate} events/s`, {
      details: { tenant: row!.id, events_per_second: bucket.rate, retry_after: retryAfter },
    });
  }

  /** Takes `events` appended events from `row`'s bucket (it may go below zero: the next calls wait longer). */
  charge(row: Tenant | undefined, events: number): void {
    const bucket = this.bucket(row);
    if (bucket !== undefined) bucket.tokens -= events;
  }

  /**
   * Throws 403 TENANT_STORAGE_EXCEEDED when `row`'s tenant stores its `storage_bytes` or more:
   * a command is admitted while the tenant is under its quota (the last one admitted may cross
   * it by its own events), and a refused one writes nothing. `store` holds the tenant's events:
   * the registry's own (conjoined: its rows of the tenant) or the tenant's own store (tenancy
   * "schema" / "database": all of it, see shareTenantGate).
   */
  async checkStorage(row: Tenant | undefined, store: EventStore): Promise<void> {
    const limit = row?.storage_bytes ?? null;
    if (row === undefined || limit === null) return;
    const now = Date.now();
    let stored = this.stored.get(row.id);
    if (stored === undefined || stored.until <= now) {
      stored = { bytes: (await storedUsage(store, this.tenantRows(store, row.id))).bytes, until: now + USAGE_MS };
      this.stored.set(row.id, stored);
    }
    if (stored.bytes >= limit)
      throw new TuskError('TENANT_STORAGE_EXCEEDED', `tenant "${row.id}" stores ${stored.bytes} bytes of events, its quota is ${limit}`, {
        details: { tenant: row.id, storage_bytes: limit, stored_bytes: stored.bytes },
      });
  }

  /** Adds the bytes of the events at `positions` of `store` (appended by `row`'s tenant through this process) to its counted storage. */
  async chargeStorage(row: Tenant | undefined, positions: readonly number[], store: EventStore): Promise<void> {
    const stored = row === undefined || row.storage_bytes === null ? undefined : this.stored.get(row.id);
    if (stored !== undefined) stored.bytes += await bytesAt(store, positions);
  }

  /** Forgets the cached row of `tenant` (after this process changed it), and its counted storage. */
  invalidate(tenant: string): void {
    this.cache.delete(tenant);
    this.stored.delete(tenant);
  }

  /** The tenant whose rows of `store` to count: all rows (undefined) of a store other than the registry's, a tenant's own. */
  private tenantRows(store: EventStore, tenant: string): string | undefined {
    return store === this.store ? tenant : undefined;
  }

  private bucket(row: Tenant | undefined): Bucket | undefined {
    const rate = row?.events_per_second ?? null;
    if (row === undefined || rate === null) return undefined;
    const now = Date.now();
    let bucket = this.buckets.get(row.id);
    if (bucket === undefined || bucket.rate !== rate) {
      bucket = { tokens: rate, at: now, rate };
      this.buckets.set(row.id, bucket);
    }
    // refill: one second's worth at most (the burst)
    bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    return bucket;
  }
}

const gates = new WeakMap<EventStore, TenantGate>();

/** The one gate of `store` (the auth hook and the tenant routes share it, so changes are seen at once). */
export function tenantGate(store: EventStore): TenantGate {
  let gate = gates.get(store);
  if (gate === undefined) gates.set(store, (gate = new TenantGate(store)));
  return gate;
}

/** Makes `gate` the one of `store` too: a sharded tenant's runtime admits and charges through the control database's registry. */
export function shareTenantGate(store: EventStore, gate: TenantGate): void {
  gates.set(store, gate);
}
