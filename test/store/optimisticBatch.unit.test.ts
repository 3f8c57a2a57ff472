/**
 * Group commit of the appends a real app makes (issue 21): unique claims and releases and
 * idempotency keys go in the batch's ONE statement, with or without append hooks (inline
 * projections, the saga index), instead of the transaction that reads versions, holders and
 * keys first and then writes them. A taken value or a used key still fails only its own append.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppendRequest, EventStore, SqlExecutor } from '../../src/store/EventStore.js';
import { runMigrations } from '../../src/store/migrations/runMigrations.js';
import { createPgliteClient } from '../../src/store/pgliteClient.js';
import { SqlEventStore } from '../../src/store/SqlEventStore.js';
import { batchWriteSql } from '../../src/store/sql/batchWriteSql.js';
import { storeTables } from '../../src/store/tables.js';
import { countingClient } from '../support/countingClient.js';
import { newEvent } from './contract.js';

/** Every statement the store sends, in a transaction or not. */
let statements: string[] = [];
/** The size of every batch committed. */
let batches: number[] = [];
let store: EventStore;

beforeEach(async () => {
  const client = countingClient(await createPgliteClient('memory://'), () => statements);
  const tables = storeTables('public', '');
  await runMigrations(client, tables);
  store = new SqlEventStore(client, tables, { onBatch: (n) => batches.push(n) });
  statements = [];
  batches = [];
}, 60_000);
afterEach(async () => {
  await store?.close();
});

const user = (
  id: string,
  email: string,
  expectedVersion: AppendRequest['expectedVersion'] = 'no_stream',
  release?: string,
  key?: string,
): AppendRequest => ({
  streamType: 'user',
  streamId: id,
  expectedVersion,
  events: [newEvent('EmailSet', { email })],
  unique: { claim: [{ field: 'email', value: email }], release: release === undefined ? [] : [{ field: 'email', value: release }] },
  ...(key !== undefined ? { idempotencyKey: key, idempotencyFingerprint: 'f' } : {}),
});
const holders = async () =>
  (await store.query<{ value: string; stream_id: string }>('SELECT value, stream_id FROM uniques ORDER BY value')).rows.map(
    (r) => `${r.value}=${r.stream_id}`,
  );
const writes = () => statements.filter((s) => !/^(SELECT 1$|BEGIN|COMMIT)/.test(s));

describe('optimistic batches with unique values and keys', () => {
  it('a batch of claims (and keys) is one statement, with no append hook', async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => store.append(user(`u${i}`, `${i}@x`, 'no_stream', undefined, `k${i}`))));
    const written = writes();
    expect(await holders()).toEqual(Array.from({ length: 8 }, (_, i) => `${i}@x=u${i}`));
    // one statement per batch (the checked path reads versions, holders and keys, then writes)
    expect(written).toHaveLength(batches.length);
    expect((await store.lookupIdempotency('k3'))?.streamId).toBe('u3');
  });

  it('with an append hook: one statement for the batch, then the hook, in one transaction', async () => {
    const hooked: string[] = [];
    store.addAppendHook(async (_tx: SqlExecutor, events) => void hooked.push(...events.map((e) => e.streamId)));
    await Promise.all(Array.from({ length: 8 }, (_, i) => store.append(user(`u${i}`, `${i}@x`))));
    expect(hooked.sort()).toEqual(Array.from({ length: 8 }, (_, i) => `u${i}`));
    expect(writes()).toHaveLength(batches.length);
  });

  it('a change of value releases the old one in the same statement', async () => {
    await store.append(user('u1', 'a@x'));
    statements = [];
    await store.append(user('u1', 'b@x', 1, 'a@x'));
    expect(writes()).toHaveLength(1);
    expect(await holders()).toEqual(['b@x=u1']);
    await store.append(user('u2', 'a@x'));
    expect(await holders()).toEqual(['a@x=u2', 'b@x=u1']);
  });

  it('a taken value or a used key fails only its own append; the rest of the batch is written', async () => {
    await store.append(user('u0', 'taken@x', 'no_stream', undefined, 'used'));
    store.addAppendHook(async () => undefined);
    const outcomes = await Promise.allSettled([
      store.append(user('a', 'a@x')),
      store.append(user('b', 'taken@x')),
      store.append(user('c', 'c@x', 'no_stream', undefined, 'used')),
      store.append(user('d', 'd@x')),
      // two requests of one batch claiming one value: the first wins
      store.append(user('e', 'same@x')),
      store.append(user('f', 'same@x')),
    ]);
    const codes = outcomes.map((o) => (o.status === 'fulfilled' ? 'ok' : (o.reason as { code: string }).code));
    expect(codes).toEqual(['ok', 'UNIQUE_VIOLATION', 'IDEMPOTENCY_CONFLICT', 'ok', 'ok', 'UNIQUE_VIOLATION']);
    expect(await holders()).toEqual(['a@x=a', 'd@x=d', 'same@x=e', 'taken@x=u0']);
    for (const id of ['b', 'c', 'f']) expect(await store.streamVersion('user', id)).toBe(0);
  });

  it('without append hooks a held value is refused by the primary key: no holder is looked up, and only its append fails', async () => {
    await store.append(user('u0', 'taken@x'));
    statements = [];
    const outcomes = await Promise.allSettled([
      store.append(user('a', 'a@x')),
      store.append(user('b', 'taken@x')),
      store.append(user('c', 'c@x')),
    ]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? 'ok' : (o.reason as { code: string }).code))).toEqual([
      'ok',
      'UNIQUE_VIOLATION',
      'ok',
    ]);
    expect(await holders()).toEqual(['a@x=a', 'c@x=c', 'taken@x=u0']);
    expect(await store.streamVersion('user', 'b')).toBe(0);
    // The one statement tried first inserted the claims without reading the uniques table
    // (the primary key refused it); the transaction after it decided request by request.
    expect(statements[0]).toMatch(/^WITH /);
    expect(statements[0]).not.toMatch(/FROM "public"\."uniques" u WHERE/);
    expect(statements).toContain('BEGIN');
  });

  it("creating appends that each release the initial state's value share one statement", async () => {
    // What every CreateUser sends: the initial state's email "" is released, the new one claimed.
    store.addAppendHook(async () => undefined);
    await Promise.all(Array.from({ length: 8 }, (_, i) => store.append(user(`u${i}`, `${i}@x`, 'no_stream', ''))));
    expect(Math.max(...batches)).toBeGreaterThan(1);
    expect(writes()).toHaveLength(batches.length);
    expect(await holders()).toEqual(Array.from({ length: 8 }, (_, i) => `${i}@x=u${i}`));
  });

  it('appends arriving in separate turns of the event loop (HTTP requests) share a batch', async () => {
    // PGlite never waits on I/O: a writer started at once would commit before the next
    // request is read, and every batch would hold one append.
    store.addAppendHook(async () => undefined);
    const appends = Array.from(
      { length: 8 },
      (_, i) => new Promise((resolve, reject) => setImmediate(() => void store.append(user(`u${i}`, `${i}@x`)).then(resolve, reject))),
    );
    await Promise.all(appends);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(8);
    expect(Math.max(...batches)).toBeGreaterThan(1);
  });

  it('the batch statement finds held values and used keys by their index, not by a scan', async () => {
    await store.query(`INSERT INTO uniques (stream_type, field, value, digest, stream_id)
      SELECT 'user', 'email', g || '@x', sha256(convert_to(g || '@x', 'UTF8')), 'u' || g FROM generate_series(1, 5000) g`);
    await store.query(`INSERT INTO idempotency (key, fingerprint, stream_type, stream_id, positions)
      SELECT 'k' || g, 'f', 'user', 'u' || g, '{}' FROM generate_series(1, 5000) g`);
    const sql = batchWriteSql(storeTables('public', ''), {
      keys: true,
      snapshots: false,
      guard: false,
      claims: true,
      releases: true,
      keysGuard: true,
    });
    const params = [
      JSON.stringify([
        {
          n: 0,
          id: '00000000-0000-4000-8000-000000000001',
          st: 'user',
          si: 'n1',
          v: 1,
          ty: 'T',
          ev: 1,
          d: {},
          m: {},
          ts: new Date().toISOString(),
        },
      ]),
      JSON.stringify([{ k: 'new', f: 'f', st: 'user', si: 'n1', ids: ['00000000-0000-4000-8000-000000000001'] }]),
      JSON.stringify([{ st: 'user', f: 'email', v: 'new@x', si: 'n1' }]),
      JSON.stringify([{ st: 'user', f: 'email', v: '', si: 'n1' }]),
    ];
    const plan = (await store.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params)).rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toContain('uniques_pkey');
    expect(plan).toContain('idempotency_pkey');
    expect(plan).not.toMatch(/Seq Scan on (uniques|idempotency)/);
  });
});
