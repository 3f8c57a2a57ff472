/**
 * The data every figure writes and reads: the same event shape as the baselines' rows, and a
 * small model with an aggregate whose `apply` does what B4's fold does.
 */
import { appSchema, type AppConfig } from '../src/config/schema/index.js';
import type { EventStore, NewEvent } from '../src/store/EventStore.js';
import { openEventStore } from '../src/store/index.js';
import { randomUUID } from 'node:crypto';

/** The event of row `i` (same data as bench/baselines.ts `benchRow`). */
export function benchEvent(i: number, eventVersion = 1): NewEvent {
  return {
    id: randomUUID(),
    type: 'ItemAdded',
    eventVersion,
    data: { sku: `sku-${i}`, quantity: 1 + (i % 5), unit_price: 9.5 },
    metadata: {},
    timestamp: new Date(),
  };
}

/** The bench model: `cart` folds ItemAdded like B4 (total += quantity × unit_price). */
export function benchModel(store: Record<string, unknown>, extra: Record<string, unknown> = {}): AppConfig {
  return appSchema.parse({
    event_store: store,
    server: { log_level: 'silent' },
    aggregates: {
      cart: {
        state: { total: 0, count: 0 },
        commands: {
          Open: { creates: true, emits: 'CartOpened' },
          AddItem: { input: { sku: 'string', quantity: 'integer', unit_price: 'number' }, emits: 'ItemAdded' },
        },
        apply: { ItemAdded: { total: 'total + data.quantity * data.unit_price', count: 'count + 1' } },
      },
    },
    ...extra,
  });
}

/** Opens a tusk-es store on PostgreSQL database `url` (pool of 10, the default). */
export function openPgStore(url: string): Promise<EventStore> {
  return openEventStore(appSchema.parse({ event_store: { type: 'postgresql', connection: url } }).event_store);
}

/** Appends `count` ItemAdded events to one stream, `chunk` per append. */
export async function fillStream(store: EventStore, type: string, id: string, count: number, chunk = 500, eventVersion = 1): Promise<void> {
  for (let done = 0; done < count; done += chunk) {
    const n = Math.min(chunk, count - done);
    await store.append({
      streamType: type,
      streamId: id,
      expectedVersion: done === 0 ? 'no_stream' : done,
      events: Array.from({ length: n }, (_, k) => benchEvent(done + k, eventVersion)),
    });
  }
}
