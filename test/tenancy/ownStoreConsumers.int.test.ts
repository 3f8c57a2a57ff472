/**
 * A tenant's own store (tenancy modes "schema"/"database", issue 20) is not conjoined: its
 * events carry their tenant, but its consumers hand batches over without entering a tenant
 * scope (AsyncLocalStorage would then cost every promise of the process). Real PostgreSQL,
 * opened as the shard router opens a tenant's store.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import type { ConsumerEnv } from '../../src/consumers/Consumer.js';
import { LogConsumer } from '../../src/consumers/LogConsumer.js';
import type { EventStore } from '../../src/store/EventStore.js';
import { openEventStore } from '../../src/store/index.js';
import { inTenant } from '../../src/tenancy/tenantScope.js';
import { createTestDatabase } from '../support/postgres.js';

let store: EventStore;
const TENANT = `own-${randomUUID().slice(0, 6)}`;

beforeAll(async () => {
  const connection = await createTestDatabase(inject('pgUrl'));
  store = await openEventStore(appSchema.parse({ event_store: { type: 'postgresql', connection } }).event_store, { tenant: TENANT });
});
afterAll(async () => {
  await store?.close();
});

describe("a tenant's own store's consumers", () => {
  it('hand over batches stamped with the tenant without entering a tenant scope', async () => {
    const event = { id: randomUUID(), type: 'Noted', eventVersion: 1, data: {}, metadata: {}, timestamp: new Date() };
    await store.append({ streamType: 'note', streamId: 'n1', expectedVersion: 'any', events: [event] });
    const seen: Array<{ tenant: string | undefined; scoped: boolean }> = [];
    const env: ConsumerEnv = { store, logger: pino({ level: 'silent' }), owner: 'one', pollIntervalMs: 50, leaseTtlMs: 30_000 };
    const consumer = new LogConsumer(env, {
      name: 'test:own-store',
      batchSize: 100,
      handler: {
        async handle(batch) {
          const scoped = inTenant();
          await batch.commit(batch.reached, () => {
            seen.push(...batch.events.map((e) => ({ tenant: e.tenantId, scoped })));
            return Promise.resolve();
          });
        },
      },
    });
    expect(inTenant()).toBe(false);
    consumer.start();
    try {
      await expect.poll(() => seen.length, { timeout: 60_000, interval: 50 }).toBeGreaterThanOrEqual(1);
      expect(seen).toEqual([{ tenant: TENANT, scoped: false }]);
    } finally {
      await consumer.stop();
    }
  });
});
