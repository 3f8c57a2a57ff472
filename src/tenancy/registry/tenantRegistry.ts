/**
 * The tenant registry (issue 20 item 3): the tenants an operator created, disabled or deleted,
 * with their quota, in the store's `tenants` table (schema migration "tenant registry").
 * A deleted tenant stays as a tombstone, so its id cannot come back to life by accident.
 */
import type { EventStore } from '../../store/EventStore.js';
import { InvalidInputError, TuskError } from '../../errors.js';
import { isTenantName, TENANT_NAME_RULE } from '../tenantScope.js';

/** `value` as a tenant id (a tenant name, the rule requests are checked by), or 400. */
export function tenantId(value: unknown): string {
  if (typeof value !== 'string' || !isTenantName(value))
    throw new InvalidInputError(`a tenant id is ${TENANT_NAME_RULE}`, { tenant: value }, 'BAD_REQUEST');
  return value;
}

/** `value` as an events/s quota (a positive integer, or null = none), or 400. */
export function eventsPerSecond(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidInputError(
      'events_per_second is a positive integer (or null for no quota)',
      { events_per_second: value },
      'BAD_REQUEST',
    );
  return n;
}

/** `value` as a storage quota in bytes (a positive integer, or null = none), or 400. */
export function storageBytes(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidInputError('storage_bytes is a positive integer (or null for no quota)', { storage_bytes: value }, 'BAD_REQUEST');
  return n;
}

/** A tenant's quotas; a key left out of a change keeps its value. */
export interface TenantQuotas {
  events_per_second?: unknown;
  storage_bytes?: unknown;
}

/** A tenant's state: active, disabled (its tokens get 403, reversible) or deleted (final). */
export type TenantStatus = 'active' | 'disabled' | 'deleted';

/** One tenant of the registry. */
export interface Tenant {
  id: string;
  status: TenantStatus;
  /** Events the tenant may append per second (per process); null = no quota. */
  events_per_second: number | null;
  /** Bytes of event data and metadata the tenant may store (tenantUsage.ts); null = no quota. */
  storage_bytes: number | null;
  created_at: string;
  updated_at: string;
}

interface TenantRow {
  id: string;
  status: TenantStatus;
  events_per_second: number | null;
  storage_bytes: string | number | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const COLUMNS = 'id, status, events_per_second, storage_bytes, created_at, updated_at';

function toTenant(row: TenantRow): Tenant {
  const iso = (v: Date | string) => (v instanceof Date ? v.toISOString() : new Date(v).toISOString());
  return {
    id: row.id,
    status: row.status,
    events_per_second: row.events_per_second,
    storage_bytes: row.storage_bytes === null ? null : Number(row.storage_bytes),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

/** The registry's operations over `store` (values bound, the table name quoted by the store). */
export class TenantRegistry {
  private readonly table: string;

  constructor(private readonly store: EventStore) {
    this.table = store.tables.table('tenants');
  }

  /** Every tenant, by id (deleted ones included, as tombstones). */
  async list(): Promise<Tenant[]> {
    const { rows } = await this.store.query<TenantRow>(`SELECT ${COLUMNS} FROM ${this.table} ORDER BY id`);
    return rows.map(toTenant);
  }

  /** The tenant `id`, or undefined when it was never created. */
  async get(id: string): Promise<Tenant | undefined> {
    const { rows } = await this.store.query<TenantRow>(`SELECT ${COLUMNS} FROM ${this.table} WHERE id = $1`, [id]);
    return rows[0] === undefined ? undefined : toTenant(rows[0]);
  }

  /** Creates tenant `id` (409 TENANT_EXISTS when it exists, or existed and was deleted). */
  async create(id: string, quotas: TenantQuotas = {}): Promise<Tenant> {
    tenantId(id);
    const { rows } = await this.store.query<TenantRow>(
      `INSERT INTO ${this.table} (id, events_per_second, storage_bytes) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING ${COLUMNS}`,
      [id, eventsPerSecond(quotas.events_per_second), storageBytes(quotas.storage_bytes)],
    );
    if (rows[0] !== undefined) return toTenant(rows[0]);
    const existing = await this.get(id);
    throw new TuskError(
      'TENANT_EXISTS',
      `tenant "${id}" ${existing?.status === 'deleted' ? 'was deleted; its id cannot be reused' : 'exists'}`,
      {
        details: { tenant: id, status: existing?.status },
      },
    );
  }

  /** Disables (reversibly) or enables tenant `id`; a deleted one is 404 like an unknown one. */
  async setEnabled(id: string, enabled: boolean): Promise<Tenant> {
    return this.update(id, `status = $2`, [enabled ? 'active' : 'disabled']);
  }

  /** Sets the quotas of tenant `id` named in `quotas` (null = none); the others stay. */
  async setQuota(id: string, quotas: TenantQuotas): Promise<Tenant> {
    const set: string[] = [];
    const values: unknown[] = [];
    if ('events_per_second' in quotas) set.push(`events_per_second = $${values.push(eventsPerSecond(quotas.events_per_second)) + 1}`);
    if ('storage_bytes' in quotas) set.push(`storage_bytes = $${values.push(storageBytes(quotas.storage_bytes)) + 1}`);
    if (set.length === 0) throw new InvalidInputError('name a quota: events_per_second or storage_bytes', undefined, 'BAD_REQUEST');
    return this.update(id, set.join(', '), values);
  }

  /**
   * Deletes tenant `id`: its tokens are refused from now on, and its id is never reused. A
   * tenant that was never registered (conjoined tenancy lets any tenant in) gets a tombstone;
   * deleting a deleted tenant again changes nothing (so its purge can be repeated).
   */
  async delete(id: string): Promise<Tenant> {
    tenantId(id);
    const { rows } = await this.store.query<TenantRow>(
      `INSERT INTO ${this.table} AS t (id, status) VALUES ($1, 'deleted')
       ON CONFLICT (id) DO UPDATE SET status = 'deleted', updated_at = CASE WHEN t.status = 'deleted' THEN t.updated_at ELSE now() END
       RETURNING ${COLUMNS}`,
      [id],
    );
    return toTenant(rows[0]!);
  }

  private async update(id: string, set: string, values: unknown[]): Promise<Tenant> {
    const { rows } = await this.store.query<TenantRow>(
      `UPDATE ${this.table} SET ${set}, updated_at = now() WHERE id = $1 AND status <> 'deleted' RETURNING ${COLUMNS}`,
      [id, ...values],
    );
    if (rows[0] !== undefined) return toTenant(rows[0]);
    const existing = await this.get(id);
    const message = existing === undefined ? `no tenant "${id}"` : `tenant "${id}" was deleted`;
    throw new TuskError('TENANT_NOT_FOUND', message, { details: { tenant: id } });
  }
}
