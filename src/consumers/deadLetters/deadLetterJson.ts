/** The JSON shape of a dead letter in the HTTP API. */
import { toEventJson, type EventJson } from '../../engine/toEventJson.js';
import type { Upcaster } from '../../engine/upcaster.js';
import { relayOf, type DeadLetter, type DeadLetterStatus } from './DeadLetter.js';

/** A dead letter as `GET /dead-letters` lists it. */
export interface DeadLetterJson {
  id: number;
  /** The consumer that did not handle it (`publisher:<relay>`, `projection:<name>`, `saga-trigger:<saga>`). */
  consumer: string;
  /** The relay of a publisher's dead letter (the consumer's name without `publisher:`), else null. */
  relay: string | null;
  status: DeadLetterStatus;
  position: number;
  event_id: string;
  event_type: string;
  aggregate_type: string;
  aggregate_id: string;
  attempts: number;
  error: string;
  failed_at: string;
  /** The event as its consumer would handle it now (upcast); null if it is no longer in the log. */
  event: EventJson | null;
}

/** Converts a dead letter, upcasting its event. */
export function deadLetterJson(d: DeadLetter, upcaster: Upcaster): DeadLetterJson {
  let event: EventJson | null = null;
  if (d.event !== undefined) {
    try {
      event = toEventJson(upcaster(d.event));
    } catch {
      // the reason it is a dead letter may be that it cannot be upcast: list it all the same
      event = toEventJson(d.event);
    }
  }
  return {
    id: d.id,
    consumer: d.consumer,
    relay: relayOf(d.consumer) ?? null,
    status: d.status,
    position: d.position,
    event_id: d.eventId,
    event_type: d.eventType,
    aggregate_type: d.aggregateType,
    aggregate_id: d.aggregateId,
    attempts: d.attempts,
    error: d.error,
    failed_at: d.failedAt.toISOString(),
    event,
  };
}
