/**
 * Store migration 18 (the position up to which event-started sagas keep their hash ids,
 * src/sagas/sagaIds.ts) on a conjoined store that already has row-level security in force, as
 * its app role (no superuser, no BYPASSRLS): it must see every tenant's events and write its
 * row, or the upgraded server could not open its store at all.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import type { EventStore } from '../../src/store/EventStore.js';
import { openEventStore } from '../../src/store/index.js';
import { SAGA_HASH_IDS_UNTIL } from '../../src/store/migrations/schemaMigrations.js';
import { runAsTenant } from '../../src/tenancy/tenantScope.js';
import { createAppDatabase } from '../support/postgres.js';
import { asSystem } from './tenantHelpers.js';

let store: EventStore | undefined;
afterAll(async () => {
  await store?.close();
});

describe('migration 18 on a conjoined store', () => {
  it('records the head of every tenant’s log under row-level security', async () => {
    const url = await createAppDatabase(inject('pgUrl'));
    const config = appSchema.parse({
      event_store: { type: 'postgresql', connection: url, tenancy: { mode: 'conjoined' } },
    }).event_store;
    store = await openEventStore(config);
    const appended = await runAsTenant('acme', () =>
      store!.append({
        streamType: 'order',
        streamId: 'o1',
        expectedVersion: 'no_stream',
        events: [{ id: randomUUID(), type: 'OrderCreated', eventVersion: 1, data: {}, metadata: {}, timestamp: new Date() }],
      }),
    );
    await store.close();
    store = undefined;

    // The store as it was before migration 18, with its row security in force.
    await asSystem(url, 'DELETE FROM schema_migrations WHERE version = 18');
    await asSystem(url, 'DELETE FROM checkpoints WHERE name = $1', [SAGA_HASH_IDS_UNTIL]);
    store = await openEventStore(config);
    expect(await store.loadCheckpoint(SAGA_HASH_IDS_UNTIL)).toBe(appended.events[0]!.position);
  }, 120_000);
});
