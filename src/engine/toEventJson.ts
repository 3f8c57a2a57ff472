/**
 * The one JSON shape of an event (SPEC §9), used by HTTP responses, SSE and every publisher.
 */
import type { StoredEvent } from '../store/EventStore.js';
import { formatIso } from '../util/isoTimestamp.js';

/** An event as every external consumer sees it. */
export interface EventJson {
  id: string;
  type: string;
  aggregate_type: string;
  aggregate_id: string;
  /** Position in the stream (1-based). */
  version: number;
  /** Global position in the log. */
  position: number;
  /** Schema version of `data`. */
  event_version: number;
  data: unknown;
  metadata: Record<string, unknown>;
  timestamp: string;
  /** The event's tenant, in a conjoined store (publishers, SSE and GET /events carry it). */
  tenant?: string;
}

/** Converts a stored (and usually upcast) event to its JSON shape. */
export function toEventJson(event: StoredEvent): EventJson {
  const json: EventJson = {
    id: event.id,
    type: event.type,
    aggregate_type: event.streamType,
    aggregate_id: event.streamId,
    version: event.version,
    position: Number(event.position),
    event_version: event.eventVersion,
    data: event.data,
    metadata: event.metadata,
    timestamp: formatIso(event.timestamp),
  };
  if (event.tenantId !== undefined) json.tenant = event.tenantId;
  return json;
}
