/** Shared helpers of the migration tests. */
import type { StoredEvent } from '../../src/store/EventStore.js';

/** A stored event as the store hands it out (stream version 5, global position 41). */
export function stored(type: string, eventVersion: number, data: unknown, extra: Partial<StoredEvent> = {}): StoredEvent {
  return {
    id: 'e-1',
    type,
    streamType: 'user',
    streamId: 'u-1',
    version: 5,
    position: 41,
    eventVersion,
    data,
    metadata: { correlation_id: 'c-1' },
    timestamp: new Date('2024-05-06T07:08:09.000Z'),
    ...extra,
  };
}
