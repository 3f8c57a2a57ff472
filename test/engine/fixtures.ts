/** Shared models and helpers for the engine tests (real PGlite in memory; no mocks). */
import { appSchema, type AppConfig } from '../../src/config/schema/index.js';
import { compileAggregates } from '../../src/engine/compileAggregate.js';
import type { EngineContext } from '../../src/engine/EngineContext.js';
import { KeyedMutex } from '../../src/engine/keyedMutex.js';
import { LiveBus } from '../../src/engine/liveBus.js';
import { identityUpcaster } from '../../src/engine/upcaster.js';
import type { EventStore } from '../../src/store/EventStore.js';
import { openEventStore } from '../../src/store/index.js';

/** The SPEC §3 order aggregate plus a user aggregate with a unique email. */
export const shopModel = (): AppConfig =>
  appSchema.parse({
    event_store: { type: 'embedded', data_dir: 'memory://' },
    aggregates: {
      order: {
        state: { status: 'none', items: [], total: 0 },
        status_field: 'status',
        valid_status_transitions: {
          none: ['pending'],
          pending: ['confirmed', 'cancelled'],
          confirmed: ['shipped', 'cancelled'],
        },
        commands: {
          CreateOrder: { creates: true, input: { customer_id: 'string', note: 'string?' }, emits: 'OrderCreated' },
          AddItem: {
            input: { product_id: 'string', quantity: { type: 'integer', min: 1 }, unit_price: 'number' },
            require: [
              { when: "status == 'pending'", message: 'Cannot add items to non-pending order' },
              { when: 'LENGTH(items) < 3', message: 'max_items_per_order is 3' },
            ],
            emits: 'OrderItemAdded',
          },
          Confirm: { emits: 'OrderConfirmed' },
          Ship: { emits: 'OrderShipped' },
          Cancel: {
            input: { reason: 'string' },
            require: ["status != 'shipped'"],
            emit: { type: 'OrderCancelled', data: { reason: 'input.reason', previous: 'status' } },
          },
          Annotate: { input: { note: 'string', flag: 'boolean?' }, emits: 'OrderAnnotated' },
          Double: {
            input: { product_id: 'string' },
            emit: [
              { type: 'OrderItemAdded', data: { product_id: 'input.product_id', quantity: '1', unit_price: '1' } },
              { type: 'OrderItemAdded', data: { product_id: 'input.product_id', quantity: '2', unit_price: '1' }, when: 'total < 100' },
            ],
          },
        },
        apply: {
          OrderCreated: { status: "'pending'", customer_id: 'data.customer_id' },
          OrderItemAdded: { items: 'APPEND(items, data)', total: 'total + data.quantity * data.unit_price' },
          OrderConfirmed: { status: "'confirmed'" },
          OrderShipped: { status: "'shipped'" },
          OrderCancelled: { status: "'cancelled'" },
        },
      },
      user: {
        state: { email: null },
        unique: ['email'],
        commands: {
          Register: { creates: true, input: { email: 'email', name: 'string' }, emits: 'UserRegistered' },
          ChangeEmail: { input: { email: 'email' }, emits: 'EmailChanged' },
        },
      },
      counter: {
        state: { n: 0, total: 0 },
        snapshot_frequency: 100,
        commands: {
          Start: { creates: true, emits: 'Started' },
          Increment: { input: { by: 'integer' }, emits: 'Incremented' },
        },
        apply: { Incremented: { n: 'n + 1', total: 'total + data.by' } },
      },
    },
  });

/** An in-memory PGlite store. */
export function memoryStore(): Promise<EventStore> {
  return openEventStore(appSchema.parse({ event_store: { type: 'embedded', data_dir: 'memory://' } }).event_store);
}

/** An engine context over `store` for `model`. */
export function engineContext(model: AppConfig, store: EventStore): EngineContext {
  return {
    store,
    definitions: compileAggregates(model, identityUpcaster),
    upcaster: identityUpcaster,
    bus: new LiveBus(),
    mutex: new KeyedMutex(),
  };
}

/** A store that forwards everything to the real one and counts the events readStream returned. */
export function countingStore(store: EventStore): { store: EventStore; readEvents: () => number; reset: () => void } {
  let count = 0;
  const proxy = new Proxy(store, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (prop === 'readStream') {
        return async (...args: unknown[]) => {
          const events = await (value as (...a: unknown[]) => Promise<unknown[]>).apply(target, args);
          count += events.length;
          return events;
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: proxy, readEvents: () => count, reset: () => (count = 0) };
}

/** Runs `fn` and returns the TuskError code it threw (fails when it resolves). */
export async function errorOf(fn: () => Promise<unknown>): Promise<{ code: string; message: string; details: unknown }> {
  try {
    await fn();
  } catch (err) {
    const e = err as { code: string; message: string; details: unknown };
    return { code: e.code, message: e.message, details: e.details };
  }
  throw new Error('expected an error');
}
