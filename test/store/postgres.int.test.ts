/**
 * The store contract on a real PostgreSQL server (started by test/support), plus what only a
 * server can show: overlapping transactions, an unreachable database, concurrent migrations.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import { openEventStore } from '../../src/store/index.js';
import { SCHEMA_MIGRATIONS } from '../../src/store/migrations/schemaMigrations.js';
import { createTestDatabase } from '../support/postgres.js';
import { STORE_LAYOUTS, eventStoreContract, newEvent } from './contract.js';

let url: string;
beforeAll(async () => {
  url = await createTestDatabase(inject('pgUrl'));
});

const config = (schema: string, connection = url, partitioning?: Record<string, unknown>) =>
  appSchema.parse({ event_store: { type: 'postgresql', connection, schema, partitioning } }).event_store;
// Each contract test gets a schema of its own in this file's database.
const freshSchema = () => `c_${randomUUID().slice(0, 8)}`;

// One contract, every layout of the events table (issue 16 acceptance 5).
for (const [label, partitioning] of STORE_LAYOUTS) {
  eventStoreContract(`postgresql${label}`, (options) => openEventStore(config(freshSchema(), url, partitioning), options));
}

describe('postgresql only', () => {
  const clients: pg.Client[] = [];
  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => undefined);
  });

  it('never lets a log reader pass an event whose transaction commits late', async () => {
    const schema = freshSchema();
    const store = await openEventStore(config(schema));
    try {
      await store.append({ streamType: 'x', streamId: 'before', expectedVersion: 'no_stream', events: [newEvent('Before')] });
      // Transaction A writes an event (drawing a position) and stays open.
      const a = new pg.Client({ connectionString: url });
      clients.push(a);
      await a.connect();
      await a.query('BEGIN');
      await a.query(
        `INSERT INTO ${store.tables.events} (id, stream_type, stream_id, version, type, data) VALUES ($1, 'x', 'late', 1, 'Late', '{}')`,
        [randomUUID()],
      );
      // Transaction B (a raw one, and then the store's own append) commits after it, at higher positions.
      const b = new pg.Client({ connectionString: url });
      clients.push(b);
      await b.connect();
      await b.query(
        `INSERT INTO ${store.tables.events} (id, stream_type, stream_id, version, type, data) VALUES ($1, 'x', 'early', 1, 'Early', '{}')`,
        [randomUUID()],
      );
      const seen = await store.readAll({ after: 0, limit: 100 });
      // B committed, but A is older and still open: nothing after A's position may be returned yet.
      expect(seen.map((e) => e.type)).toEqual(['Before']);
      expect(await store.headPosition()).toBe(seen[0]!.position);
      await a.query('COMMIT');
      const after = await store.readAll({ after: seen[0]!.position, limit: 100 });
      expect(after.map((e) => e.type)).toEqual(['Late', 'Early']);
    } finally {
      await store.close();
    }
  });

  it('answers STORE_UNAVAILABLE when the database cannot be reached', async () => {
    const store = await openEventStore(config(freshSchema()));
    await store.close();
    const dead = appSchema.parse({ event_store: { type: 'postgresql', connection: 'postgresql://nobody@127.0.0.1:1/none' } }).event_store;
    await expect(openEventStore(dead)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  it('migrates safely when several processes open the same schema at once', async () => {
    const schema = freshSchema();
    const stores = await Promise.all(Array.from({ length: 4 }, () => openEventStore(config(schema))));
    try {
      await stores[0]!.append({ streamType: 'm', streamId: '1', expectedVersion: 'no_stream', events: [newEvent('A')] });
      expect(await stores[3]!.streamVersion('m', '1')).toBe(1);
      const { rows } = await stores[1]!.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${stores[1]!.tables.table('schema_migrations')}`,
      );
      expect(rows[0]!.n).toBe(SCHEMA_MIGRATIONS.length);
    } finally {
      for (const s of stores) await s.close();
    }
  });

  it('serialises concurrent appends from two stores (two processes) on one stream: no duplicate or lost version', async () => {
    const schema = freshSchema();
    const [s1, s2] = await Promise.all([openEventStore(config(schema)), openEventStore(config(schema))]);
    try {
      const tries = Array.from({ length: 40 }, async (_, i) => {
        const store = i % 2 === 0 ? s1 : s2;
        for (;;) {
          const v = await store.streamVersion('hot', '1');
          try {
            return await store.append({ streamType: 'hot', streamId: '1', expectedVersion: v, events: [newEvent('E', { i })] });
          } catch (err) {
            if ((err as { code?: string }).code !== 'VERSION_CONFLICT') throw err;
          }
        }
      });
      await Promise.all(tries);
      const events = await s1.readStream('hot', '1');
      expect(events.map((e) => e.version)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(new Set(events.map((e) => (e.data as { i: number }).i)).size).toBe(40);
      // the global log is in commit order: positions grow with versions
      expect(events.map((e) => e.position)).toEqual([...events.map((e) => e.position)].sort((a, b) => a - b));
    } finally {
      await s1.close();
      await s2.close();
    }
  });
});

describe('versions a store remembers, with another process writing', () => {
  it('refuses a stale expected version that matches what this store last wrote, writing nothing twice', async () => {
    const schema = freshSchema();
    const [a, b] = await Promise.all([openEventStore(config(schema)), openEventStore(config(schema))]);
    try {
      // a remembers version 1; b (another process) then writes version 2
      await a.append({ streamType: 's', streamId: '1', expectedVersion: 'no_stream', events: [newEvent('A')] });
      await b.append({ streamType: 's', streamId: '1', expectedVersion: 1, events: [newEvent('B')] });
      // a's caller still believes in version 1, as a remembers: the write must not pass
      await expect(a.append({ streamType: 's', streamId: '1', expectedVersion: 1, events: [newEvent('Stale')] })).rejects.toMatchObject({
        code: 'VERSION_CONFLICT',
        details: { expected: 1, actual: 2 },
      });
      // and one that expects the real version goes through, from either store
      await a.append({ streamType: 's', streamId: '1', expectedVersion: 2, events: [newEvent('C')] });
      await b.append({ streamType: 's', streamId: '1', expectedVersion: 3, events: [newEvent('D')] });
      await a.append({ streamType: 's', streamId: '1', expectedVersion: 4, events: [newEvent('E')] });
      expect((await a.readStream('s', '1')).map((e) => [e.version, e.type])).toEqual([
        [1, 'A'],
        [2, 'B'],
        [3, 'C'],
        [4, 'D'],
        [5, 'E'],
      ]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('prepared statements', () => {
  it('names at most MAX_PREPARED distinct statement texts; more run unnamed and still work', async () => {
    const { MAX_PREPARED, preparedStatementCount } = await import('../../src/store/pgClient.js');
    const store = await openEventStore(config(freshSchema()));
    try {
      for (let i = 0; preparedStatementCount() < MAX_PREPARED; i++) await store.query(`SELECT ${i}::int AS n`);
      const { rows } = await store.query<{ n: number }>(`SELECT $1::int + ${MAX_PREPARED} AS n`, [1]);
      expect(rows).toEqual([{ n: MAX_PREPARED + 1 }]);
      expect(preparedStatementCount()).toBe(MAX_PREPARED);
    } finally {
      await store.close();
    }
  });
});
