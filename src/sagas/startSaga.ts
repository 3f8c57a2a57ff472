/**
 * Starts a saga instance: its first event, appended only if the stream does not exist yet.
 * The id is derived from what started it (sagaIds.ts), so a duplicate start is a
 * STREAM_EXISTS that is answered with the existing instance instead of a second saga.
 */
import { toEventJson } from '../engine/toEventJson.js';
import { ConflictError } from '../errors.js';
import type { EventStore, StoredEvent } from '../store/EventStore.js';
import type { SagaDefinition } from './compileSaga.js';
import { appendSagaEvent } from './sagaStream.js';
import { SAGA_EVENTS, type StartedData, type TriggerInfo } from './sagaEvents.js';

/** What a saga is started with. */
export interface SagaStart {
  id: string;
  data: Record<string, unknown>;
  aggregateId: string | null;
  trigger: TriggerInfo | null;
  fingerprint?: string;
}

/** Appends the start of `start.id`; false when that instance already existed. */
export async function startSaga(store: EventStore, def: SagaDefinition, start: SagaStart, now: number = Date.now()): Promise<boolean> {
  const data: StartedData = {
    saga: def.name,
    data: start.data,
    aggregate_id: start.aggregateId,
    trigger: start.trigger,
    deadline: def.timeoutMs === undefined ? null : new Date(now + def.timeoutMs).toISOString(),
    ...(start.fingerprint !== undefined ? { fingerprint: start.fingerprint } : {}),
  };
  try {
    await appendSagaEvent(store, { id: start.id, name: def.name }, 'no_stream', SAGA_EVENTS.started, data, new Date(now));
    return true;
  } catch (err) {
    if (err instanceof ConflictError && err.code === 'STREAM_EXISTS') return false;
    throw err;
  }
}

/** The trigger of a saga started by `event` (upcast), as recorded in its first event. */
export function triggerOf(event: StoredEvent): TriggerInfo {
  const { data: _data, ...trigger } = toEventJson(event);
  return trigger;
}

/** The saga data of an event-started saga: the event's data when it is an object. */
export function eventData(event: StoredEvent): Record<string, unknown> {
  const d = event.data;
  return d !== null && typeof d === 'object' && !Array.isArray(d) ? (d as Record<string, unknown>) : { value: d };
}
