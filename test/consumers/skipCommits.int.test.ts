/**
 * A filtered consumer under a steady load of events it does not follow (a saga trigger while
 * users are created, issue 21): it moves its checkpoint over them at most once per poll
 * interval, not in a transaction per step back to back; an event of its types is still
 * handled during the load, and once the load stops the checkpoint reaches the head.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import type { ConsumerEnv, ConsumerSpec } from '../../src/consumers/Consumer.js';
import { LogConsumer } from '../../src/consumers/LogConsumer.js';
import type { EventStore } from '../../src/store/EventStore.js';
import { openEventStore } from '../../src/store/index.js';
import { createTestDatabase } from '../support/postgres.js';

let store: EventStore;
const POLL_MS = 1000;

beforeAll(async () => {
  const connection = await createTestDatabase(inject('pgUrl'));
  store = await openEventStore(appSchema.parse({ event_store: { type: 'postgresql', connection } }).event_store);
});
afterAll(async () => {
  await store?.close();
});

async function append(type: string, streamId: string): Promise<void> {
  const event = { id: randomUUID(), type, eventVersion: 1, data: {}, metadata: {}, timestamp: new Date() };
  await store.append({ streamType: 'thing', streamId, expectedVersion: 'any', events: [event] });
}

async function until(what: string, ok: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('a filtered consumer under a load of other types', () => {
  it('moves its checkpoint over them at most once per poll interval, still handles its own type, and reaches the head after', async () => {
    let saves = 0;
    // The store as the consumer sees it, counting its checkpoint writes (one per commit).
    const counted = new Proxy(store, {
      get(target, prop) {
        if (prop === 'saveCheckpoint') {
          return (...args: Parameters<EventStore['saveCheckpoint']>) => {
            saves++;
            return target.saveCheckpoint(...args);
          };
        }
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const handled: number[] = [];
    const env: ConsumerEnv = {
      store: counted,
      logger: pino({ level: 'silent' }),
      owner: 'one',
      pollIntervalMs: POLL_MS,
      leaseTtlMs: 30_000,
    };
    const spec: ConsumerSpec = {
      name: 'test:skips',
      types: ['Wanted'],
      batchSize: 100,
      handler: {
        async handle(batch) {
          await batch.commit(batch.reached, () => {
            handled.push(...batch.events.map((e) => e.position));
            return Promise.resolve();
          });
        },
      },
    };
    await append('Other', 'warm');
    const consumer = new LogConsumer(env, spec);
    consumer.start();
    try {
      await until('the consumer to run', () => consumer.state === 'running');
      await until('its first checkpoint move', async () => (await store.loadCheckpoint('test:skips')) >= (await store.headPosition()));
      const before = saves;
      const started = performance.now();
      // A steady load of other types for 3 s, with one event of its type in the middle.
      let wanted = false;
      for (let i = 0; performance.now() - started < 3000; i++) {
        await append('Other', `s${i % 8}`);
        if (!wanted && performance.now() - started > 1500) {
          await append('Wanted', 'w');
          wanted = true;
        }
      }
      const elapsed = performance.now() - started;
      const moves = saves - before;
      // One move per poll interval, the one that handled `Wanted`, and one in flight at the end.
      expect(moves).toBeLessThanOrEqual(Math.ceil(elapsed / POLL_MS) + 2);
      await until('the event of its type to be handled', () => handled.length === 1);
      const head = await store.headPosition();
      await until('the checkpoint to reach the head after the load', async () => (await store.loadCheckpoint('test:skips')) >= head);
      expect(handled).toHaveLength(1);
    } finally {
      await consumer.stop();
    }
  });
});
