/** The message headers of an event on a broker: the envelope fields of its JSON (SPEC §9), as strings. */
import type { EventJson } from '../engine/toEventJson.js';
import { traceContextOf } from '../telemetry/traceContext.js';

/** Headers every broker message carries, named like the event JSON fields. */
export function eventHeaders(event: EventJson): Record<string, string> {
  const headers: Record<string, string> = {
    event_id: event.id,
    event_type: event.type,
    aggregate_type: event.aggregate_type,
    aggregate_id: event.aggregate_id,
    version: String(event.version),
    event_version: String(event.event_version),
    position: String(event.position),
  };
  const { correlation_id: correlation, causation_id: causation } = event.metadata;
  if (typeof correlation === 'string') headers.correlation_id = correlation;
  if (typeof causation === 'string') headers.causation_id = causation;
  if (event.tenant !== undefined) headers.tenant = event.tenant;
  // W3C trace context, so a consumer continues the trace of the command (see traceContext)
  return { ...headers, ...traceContextOf(event.metadata) };
}
