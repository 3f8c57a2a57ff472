/**
 * The one-statement batch (appendAtOnce) on a real PostgreSQL: its snapshot is taken before
 * it waits for the append lock, so another writer can commit in between. Its version check
 * then passes on stale data, and the events' unique (stream, version) index must refuse the
 * statement, so that the batch is decided again in a transaction: the stale append fails with
 * VERSION_CONFLICT, appends queued behind it succeed, and nothing is written twice.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import type { EventStore } from '../../src/store/EventStore.js';
import { openEventStore } from '../../src/store/index.js';
import { runMigrations } from '../../src/store/migrations/runMigrations.js';
import { createPgClient } from '../../src/store/pgClient.js';
import { SqlEventStore } from '../../src/store/SqlEventStore.js';
import { appendLockKey } from '../../src/store/sql/lockAppends.js';
import { storeTables } from '../../src/store/tables.js';
import { countingClient } from '../support/countingClient.js';
import { createTestDatabase } from '../support/postgres.js';
import { newEvent } from './contract.js';

let url: string;
let store: EventStore;
const batches: number[] = [];
beforeAll(async () => {
  url = await createTestDatabase(inject('pgUrl'));
  store = await openEventStore(appSchema.parse({ event_store: { type: 'postgresql', connection: url } }).event_store, {
    onBatch: (n) => batches.push(n),
  });
});
afterAll(async () => {
  await store?.close();
});

describe('one-statement batches', () => {
  it('a writer that commits while a batch waits for the lock fails only the stale append, writing nothing twice', async () => {
    const stream = `s-${randomUUID()}`;
    await store.append({ streamType: 'race', streamId: stream, expectedVersion: 'no_stream', events: [newEvent('A')] });
    // Another process holds the append lock and writes version 2 of the stream.
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [appendLockKey(store.tables)]);
      await other.query(
        `INSERT INTO ${store.tables.events} (id, stream_type, stream_id, version, type, data) VALUES ($1, 'race', $2, 2, 'Other', '{}')`,
        [randomUUID(), stream],
      );
      // The stale append's statement starts now (snapshot: version 1) and waits for the lock;
      // the fresh one queues behind it.
      const fresh = `f-${randomUUID()}`;
      const outcomes = Promise.allSettled([
        store.append({ streamType: 'race', streamId: stream, expectedVersion: 1, events: [newEvent('Stale')] }),
        store.append({ streamType: 'race', streamId: fresh, expectedVersion: 'no_stream', events: [newEvent('Fresh')] }),
      ]);
      await waitForLockWaiter(other, url);
      await other.query('COMMIT');
      const [stale, ok] = await outcomes;
      expect(stale.status === 'rejected' && (stale.reason as { code?: string }).code).toBe('VERSION_CONFLICT');
      expect(ok.status).toBe('fulfilled');
      expect((await store.readStream('race', stream)).map((e) => [e.version, e.type])).toEqual([
        [1, 'A'],
        [2, 'Other'],
      ]);
      expect((await store.readStream('race', fresh)).map((e) => e.type)).toEqual(['Fresh']);
    } finally {
      await other.end();
    }
  });

  it('a unique value or idempotency key taken while a batch waits for the lock fails only that append; nothing is stolen', async () => {
    const value = `v-${randomUUID()}`;
    const key = `k-${randomUUID()}`;
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [appendLockKey(store.tables)]);
      await other.query(
        `INSERT INTO ${store.tables.uniques} (stream_type, field, value, digest, stream_id) VALUES ('user', 'email', $1, sha256(convert_to($1, 'UTF8')), 'holder')`,
        [value],
      );
      await other.query(
        `INSERT INTO ${store.tables.idempotency} (key, fingerprint, stream_type, stream_id, positions) VALUES ($1, 'f', 'user', 'holder', '{}')`,
        [key],
      );
      // The batch's snapshot sees neither; it waits for the lock, then the primary keys refuse it.
      const [late, lateKey, fresh] = [`late-${randomUUID()}`, `key-${randomUUID()}`, `fresh-${randomUUID()}`];
      const claim = (email: string) => ({ claim: [{ field: 'email', value: email }], release: [] });
      const outcomes = Promise.allSettled([
        store.append({ streamType: 'user', streamId: late, expectedVersion: 'no_stream', events: [newEvent('A')], unique: claim(value) }),
        store.append({
          streamType: 'user',
          streamId: lateKey,
          expectedVersion: 'no_stream',
          events: [newEvent('A')],
          idempotencyKey: key,
          idempotencyFingerprint: 'g',
        }),
        store.append({
          streamType: 'user',
          streamId: fresh,
          expectedVersion: 'no_stream',
          events: [newEvent('A')],
          unique: claim(`f-${value}`),
        }),
      ]);
      await waitForLockWaiter(other, url);
      await other.query('COMMIT');
      const codes = (await outcomes).map((o) => (o.status === 'fulfilled' ? 'ok' : (o.reason as { code?: string }).code));
      expect(codes).toEqual(['UNIQUE_VIOLATION', 'IDEMPOTENCY_CONFLICT', 'ok']);
      const { rows } = await other.query(`SELECT stream_id FROM ${store.tables.uniques} WHERE value = $1`, [value]);
      expect(rows).toEqual([{ stream_id: 'holder' }]);
      expect(await store.streamVersion('user', late)).toBe(0);
      expect(await store.streamVersion('user', lateKey)).toBe(0);
      expect(await store.streamVersion('user', fresh)).toBe(1);
    } finally {
      await other.end();
    }
  });

  /** A store of its own that records every statement it sends, and a creating append that claims an email. */
  async function recordingStore() {
    const statements: string[] = [];
    const tables = storeTables('public', '');
    const client = countingClient(createPgClient({ connectionString: url, poolSize: 4 }), () => statements);
    await runMigrations(client, tables);
    const recorded = new SqlEventStore(client, tables);
    const claim = (email: string) => ({ claim: [{ field: 'email', value: email }], release: [] });
    const append = (id: string, email: string) =>
      recorded.append({ streamType: 'user', streamId: id, expectedVersion: 'no_stream', events: [newEvent('A')], unique: claim(email) });
    return { statements, tables, client, recorded, append };
  }

  it('a value held before the batch fails only its own append: the primary key refuses it, no holder is looked up first', async () => {
    const { statements, tables, client, recorded, append } = await recordingStore();
    try {
      const value = `held-${randomUUID()}@x`;
      await append(`holder-${randomUUID()}`, value);
      statements.length = 0;
      const [a, dup, c] = [`a-${randomUUID()}`, `dup-${randomUUID()}`, `c-${randomUUID()}`];
      const outcomes = await Promise.allSettled([append(a, `${a}@x`), append(dup, value), append(c, `${c}@x`)]);
      expect(outcomes.map((o) => (o.status === 'fulfilled' ? 'ok' : (o.reason as { code?: string }).code))).toEqual([
        'ok',
        'UNIQUE_VIOLATION',
        'ok',
      ]);
      expect(await recorded.streamVersion('user', dup)).toBe(0);
      for (const id of [a, c]) expect(await recorded.streamVersion('user', id)).toBe(1);
      const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${tables.uniques} WHERE value = $1`, [value]);
      expect(rows).toEqual([{ n: 1 }]);
      // The batch went out as one statement that inserted the claims without reading the
      // uniques table; refused, it was decided again in a transaction.
      const batchStatements = statements.filter((s) => s.startsWith('WITH lock'));
      expect(batchStatements.length).toBeGreaterThan(0);
      for (const s of batchStatements) expect(s).not.toMatch(/FROM "public"\."uniques" u WHERE/);
      expect(statements.some((s) => s.startsWith('BEGIN'))).toBe(true);
    } finally {
      await recorded.close();
    }
  });

  it("a claim's digest is computed by the process: the statement hashes nothing, lookups find the value", async () => {
    const { statements, tables, client, recorded, append } = await recordingStore();
    try {
      // not ASCII: both sides hash the value's UTF-8 bytes
      const values = [`zoë-${randomUUID()}@x`, `名前-${randomUUID()}@x`, `😀-${randomUUID()}@x`];
      statements.length = 0;
      await Promise.all(values.map((v, i) => append(`h${i}-${randomUUID()}`, v)));
      const batchStatements = statements.filter((s) => s.startsWith('WITH lock'));
      expect(batchStatements.length).toBeGreaterThan(0);
      for (const s of batchStatements) expect(s).not.toMatch(/sha256/);
      const { rows } = await client.query<{ same: boolean }>(
        `SELECT digest = sha256(convert_to(value, 'UTF8')) AS same FROM ${tables.uniques} WHERE value = ANY($1::text[])`,
        [values],
      );
      expect(rows).toEqual(values.map(() => ({ same: true })));
      // the lookups (SQL digests) find what the batch stored: a second claim is refused
      const again = await Promise.allSettled(values.map((v, i) => append(`again${i}-${randomUUID()}`, v)));
      expect(again.map((o) => (o.status === 'rejected' ? (o.reason as { code?: string }).code : 'ok'))).toEqual(
        values.map(() => 'UNIQUE_VIOLATION'),
      );
    } finally {
      await recorded.close();
    }
  });
});

/** Resolves once a session of the database waits for an advisory lock (our batch statement). */
async function waitForLockWaiter(client: pg.Client, databaseUrl: string): Promise<void> {
  const database = new URL(databaseUrl).pathname.slice(1);
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    const { rows } = await client.query(
      `SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = $1`,
      [database],
    );
    if (rows.length > 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no batch came to wait for the append lock');
}
