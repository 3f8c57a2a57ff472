/**
 * Reading and appending a saga instance's stream. Every append carries the expected version,
 * so of two runners that decided the same next action only one records it — and only the one
 * that recorded an action dispatches it.
 */
import { randomUUID } from 'node:crypto';
import type { EventStore, ExpectedVersion, StoredEvent } from '../store/EventStore.js';
import { foldSaga, type SagaState } from './foldSaga.js';
import { SAGA_STREAM_TYPE, type SagaEventType } from './sagaEvents.js';

/** The saga instance `id`, folded; undefined when it does not exist. */
export async function loadSaga(store: EventStore, id: string): Promise<SagaState | undefined> {
  return foldSaga(await store.readStream(SAGA_STREAM_TYPE, id));
}

/** A saga event to append: its type, data and time. */
export interface SagaEventDraft {
  type: SagaEventType;
  data: object;
  timestamp: Date;
}

/** Appends one saga event at `expected`; throws VERSION_CONFLICT / STREAM_EXISTS when another got there first. */
export async function appendSagaEvent(
  store: EventStore,
  saga: { id: string; name: string },
  expected: ExpectedVersion,
  type: SagaEventType,
  data: object,
  timestamp: Date = new Date(),
): Promise<StoredEvent> {
  return (await appendSagaEvents(store, saga, expected, [{ type, data, timestamp }]))[0]!;
}

/** Appends saga events in one append (one commit) at `expected`; conflicts as appendSagaEvent. */
export async function appendSagaEvents(
  store: EventStore,
  saga: { id: string; name: string },
  expected: ExpectedVersion,
  drafts: readonly SagaEventDraft[],
): Promise<StoredEvent[]> {
  const { events } = await store.append({
    streamType: SAGA_STREAM_TYPE,
    streamId: saga.id,
    expectedVersion: expected,
    // metadata.saga names the saga on every event, so the index hook can file any of them.
    events: drafts.map((d) => ({
      id: randomUUID(),
      type: d.type,
      eventVersion: 1,
      data: d.data,
      metadata: { saga: saga.name },
      timestamp: d.timestamp,
    })),
  });
  return events;
}
