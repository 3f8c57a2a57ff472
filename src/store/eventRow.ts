/** The columns every event read selects, and the mapping of such a row to a StoredEvent. */
import type { StoredEvent } from './EventStore.js';

/** The select list of an event row (in this order; `created_at` is the event timestamp). */
export const EVENT_COLUMNS = 'position, id, stream_type, stream_id, version, type, event_version, data, metadata, created_at';

/** The select list of a read of the log: an event row and its tenant (consumers handle each event as its tenant). */
export const LOG_COLUMNS = `${EVENT_COLUMNS}, tenant_id`;

/** A row as the drivers return it (jsonb parsed, timestamptz as Date, int8 as number). */
export interface EventRow {
  position: number;
  id: string;
  stream_type: string;
  stream_id: string;
  version: number;
  type: string;
  event_version: number;
  data: unknown;
  metadata: Record<string, unknown> | null;
  created_at: Date;
  tenant_id?: string;
}

/** Maps a row to a StoredEvent. */
export function toStoredEvent(row: EventRow): StoredEvent {
  const event: StoredEvent = {
    id: row.id,
    type: row.type,
    streamType: row.stream_type,
    streamId: row.stream_id,
    version: row.version,
    position: Number(row.position),
    eventVersion: row.event_version,
    data: row.data,
    metadata: row.metadata ?? {},
    timestamp: row.created_at instanceof Date ? row.created_at : new Date(row.created_at),
  };
  // '' is a single-tenant store's (and a row from before tenancy): no tenant.
  if (row.tenant_id !== undefined && row.tenant_id !== '') event.tenantId = row.tenant_id;
  return event;
}

/**
 * `events` stamped with `tenant`, the one tenant of a store of its own (tenancy modes "schema"
 * and "database": a tenant runtime's store, whose rows carry no tenant), so they carry it as
 * a conjoined store's events carry their row's. Undefined: `events` as they are.
 */
export function ownedBy(events: StoredEvent[], tenant: string | undefined): StoredEvent[] {
  if (tenant !== undefined) for (const event of events) event.tenantId ??= tenant;
  return events;
}
