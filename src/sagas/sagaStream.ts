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

/** Appends one saga event at `expected`; throws VERSION_CONFLICT / STREAM_EXISTS when another got there first. */
export async function appendSagaEvent(
  store: EventStore,
  saga: { id: string; name: string },
  expected: ExpectedVersion,
  type: SagaEventType,
  data: object,
  timestamp: Date = new Date(),
): Promise<StoredEvent> {
  const { events } = await store.append({
    streamType: SAGA_STREAM_TYPE,
    streamId: saga.id,
    expectedVersion: expected,
    // metadata.saga names the saga on every event, so the index hook can file any of them.
    events: [{ id: randomUUID(), type, eventVersion: 1, data, metadata: { saga: saga.name }, timestamp }],
  });
  return events[0]!;
}
