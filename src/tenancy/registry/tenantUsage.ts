/**
 * What a tenant stores (issue 20 item 3, the storage quota): its events and their bytes, where
 * an event's bytes are those PostgreSQL stores for its data and metadata (`pg_column_size`:
 * after compression, without the row's fixed columns and indexes). Counted over the tenant's
 * rows of the events table (every partition; conjoined tenancy has no file archive), or over
 * a tenant's own store (tenancy "schema" / "database"; events archived to files not counted).
 */
import type { AppConfig } from '../../config/schema/index.js';
import { InvalidInputError } from '../../errors.js';
import type { EventStore } from '../../store/EventStore.js';
import { conjoined } from '../conjoined.js';
import { sharded } from '../shards/shardPlan.js';
import { runAsSystem } from '../tenantScope.js';
import type { TenantQuotas } from './tenantRegistry.js';

/** A tenant's stored events and their bytes. */
export interface TenantUsage {
  events: number;
  bytes: number;
}

const BYTES = 'coalesce(sum(pg_column_size(data) + pg_column_size(metadata)), 0)';

/**
 * Everything tenant `tenant` stores now in a conjoined `store` (a scan of the events table: the
 * quota check caches it), counted as the system: an operator's request runs as the operator's
 * own tenant. `tenant` undefined: `store` is a tenant's own (tenancy "schema" / "database"),
 * every event of it is the tenant's.
 */
export async function storedUsage(store: EventStore, tenant: string | undefined): Promise<TenantUsage> {
  const events = store.tables.events;
  const { rows } = await runAsSystem(() =>
    tenant === undefined
      ? store.query<{ events: string; bytes: string }>(`SELECT count(*) AS events, ${BYTES} AS bytes FROM ${events}`)
      : store.query<{ events: string; bytes: string }>(`SELECT count(*) AS events, ${BYTES} AS bytes FROM ${events} WHERE tenant_id = $1`, [
          tenant,
        ]),
  );
  return { events: Number(rows[0]?.events ?? 0), bytes: Number(rows[0]?.bytes ?? 0) };
}

/** The bytes the events at `positions` store (by primary key: what one command appended). */
export async function bytesAt(store: EventStore, positions: readonly number[]): Promise<number> {
  if (positions.length === 0) return 0;
  const { rows } = await store.query<{ bytes: string }>(
    `SELECT ${BYTES} AS bytes FROM ${store.tables.events} WHERE position = ANY($1::bigint[])`,
    [positions],
  );
  return Number(rows[0]?.bytes ?? 0);
}

/** `quotas`, or 400 when they set a storage quota on an app without tenancy (single: its store does not know which tenant stored what). */
export function storageQuotaAllowed(model: AppConfig, quotas: TenantQuotas): TenantQuotas {
  if (!conjoined(model) && !sharded(model) && quotas.storage_bytes !== undefined && quotas.storage_bytes !== null)
    throw new InvalidInputError(
      'storage_bytes needs event_store.tenancy (mode "conjoined", "schema" or "database"): a single-tenant store does not know which tenant stored what',
      { storage_bytes: quotas.storage_bytes },
      'BAD_REQUEST',
    );
  return quotas;
}
