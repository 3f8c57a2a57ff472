/** The store contract on the embedded backend (PGlite in memory; in process, no server). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import type { EventStore, StoreTables } from '../../src/store/EventStore.js';
import { openEventStore } from '../../src/store/index.js';
import { runMigrations } from '../../src/store/migrations/runMigrations.js';
import { SCHEMA_MIGRATIONS } from '../../src/store/migrations/schemaMigrations.js';
import { createPgliteClient } from '../../src/store/pgliteClient.js';
import { storeTables } from '../../src/store/tables.js';
import { STORE_LAYOUTS, eventStoreContract, newEvent } from './contract.js';

const config = (dataDir: string, partitioning?: Record<string, unknown>) =>
  appSchema.parse({ event_store: { type: 'embedded', data_dir: dataDir, partitioning } }).event_store;

// PGlite is PostgreSQL: declarative partitioning works there too (issue 16 item 4); the
// PostgreSQL suite runs every layout, this one the plain table and the archive partitions.
for (const [label, partitioning] of STORE_LAYOUTS.filter(([l]) => l === '' || l.includes('archive'))) {
  eventStoreContract(`embedded (PGlite)${label}`, (options) => openEventStore(config('memory://', partitioning), options));
}

/**
 * Runs `work` on the store of a data dir written by schema `version` (`seed` fills its tables),
 * opened by this build, which upgrades it; the dir is removed after.
 */
async function withUpgradedStore(
  version: number,
  seed: (tables: StoreTables) => string[],
  work: (store: EventStore) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tusk-embedded-'));
  try {
    const client = await createPgliteClient(dir);
    const tables = storeTables('public', '');
    await runMigrations(
      client,
      tables,
      SCHEMA_MIGRATIONS.filter((m) => m.version <= version),
    );
    for (const sql of seed(tables)) await client.query(sql);
    await client.close();
    const store = await openEventStore(config(dir));
    try {
      await work(store);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('embedded store on disk', () => {
  it('keeps events across a reopen, and refuses a data dir another live process holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tusk-embedded-'));
    try {
      const store = await openEventStore(config(dir));
      await store.append({ streamType: 'a', streamId: '1', expectedVersion: 'no_stream', events: [newEvent('A')] });
      await store.close();
      const again = await openEventStore(config(dir));
      expect(await again.streamVersion('a', '1')).toBe(1);
      await again.close();
      // a live process (our parent) holds the directory: opening it must fail clearly
      writeFileSync(join(dir, 'tusk-es.pid'), String(process.ppid));
      await expect(openEventStore(config(dir))).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
        message: expect.stringContaining(`in use by process ${process.ppid}`),
      });
      // a dead holder is a stale lock: taken over
      writeFileSync(join(dir, 'tusk-es.pid'), '999999');
      const third = await openEventStore(config(dir));
      expect(await third.streamVersion('a', '1')).toBe(1);
      await third.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('upgrades a v5 store: its unique values are kept and keyed by their digest', async () => {
    const seed = (tables: StoreTables) => [
      `INSERT INTO ${tables.events} (id, stream_type, stream_id, version, type, data) VALUES (gen_random_uuid(), 'user', 'u1', 1, 'A', '{}')`,
      `INSERT INTO ${tables.uniques} (stream_type, field, value, stream_id) VALUES ('user', 'email', 'a@x', 'u1')`,
    ];
    await withUpgradedStore(5, seed, async (store) => {
      const claim = {
        streamType: 'user',
        streamId: 'u2',
        expectedVersion: 'no_stream' as const,
        events: [newEvent('A')],
        unique: { claim: [{ field: 'email', value: 'a@x' }], release: [] },
      };
      await expect(store.append(claim)).rejects.toMatchObject({ code: 'UNIQUE_VIOLATION' });
      await store.append({
        streamType: 'user',
        streamId: 'u1',
        expectedVersion: 1,
        events: [newEvent('B')],
        unique: { claim: [], release: [{ field: 'email', value: 'a@x' }] },
      });
      await store.append(claim);
    });
  });

  it('upgrades a v3 store: stream versions then come from the events, and the versions table is gone', async () => {
    // a store written by schema v3, which kept versions in a streams table
    const seed = (tables: StoreTables) => [
      `INSERT INTO ${tables.events} (id, stream_type, stream_id, version, type, data) VALUES (gen_random_uuid(), 'a', '1', 1, 'A', '{}'), (gen_random_uuid(), 'a', '1', 2, 'B', '{}')`,
      `INSERT INTO ${tables.table('streams')} (stream_type, stream_id, version) VALUES ('a', '1', 2)`,
    ];
    await withUpgradedStore(3, seed, async (store) => {
      expect(await store.streamVersion('a', '1')).toBe(2);
      await expect(store.append({ streamType: 'a', streamId: '1', expectedVersion: 1, events: [newEvent('C')] })).rejects.toMatchObject({
        code: 'VERSION_CONFLICT',
      });
      await expect(
        store.append({ streamType: 'a', streamId: '1', expectedVersion: 'no_stream', events: [newEvent('C')] }),
      ).rejects.toMatchObject({ code: 'STREAM_EXISTS' });
      const appended = await store.append({ streamType: 'a', streamId: '1', expectedVersion: 2, events: [newEvent('C')] });
      expect(appended.events[0]!.version).toBe(3);
      const { rows } = await store.query<{ name: string | null }>(`SELECT to_regclass('public.streams')::text AS name`);
      expect(rows[0]!.name).toBeNull();
    });
  });
});
