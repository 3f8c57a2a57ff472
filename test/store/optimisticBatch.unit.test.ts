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
import type { SqlClient } from '../../src/store/SqlClient.js';
import { SqlEventStore } from '../../src/store/SqlEventStore.js';
import { storeTables } from '../../src/store/tables.js';
import { newEvent } from './contract.js';

/** Every statement the store sends, in a transaction or not. */
let statements: string[] = [];
/** The size of every batch committed. */
let batches: number[] = [];
let store: EventStore;

function counting(client: SqlClient): SqlClient {
  const seen = (sql: string) => statements.push(sql.replace(/\s+/g, ' ').trim().slice(0, 60));
  return {
    kind: client.kind,
    query: (sql, params) => (seen(sql), client.query(sql, params)),
    queryArrays: (sql, params) => (seen(sql), client.queryArrays(sql, params)),
    transaction: (fn, options) => client.transaction((tx) => fn({ query: (sql, params) => (seen(sql), tx.query(sql, params)) }), options),
    close: () => client.close(),
  };
}

beforeEach(async () => {
  const client = counting(await createPgliteClient('memory://'));
  const tables = storeTables('public', '');
  await runMigrations(client, tables);
  store = new SqlEventStore(client, tables, { onBatch: (n) => batches.push(n) });
  statements = [];
  batches = [];
}, 60_000);
afterEach(async () => {
  await store?.close();
});

const user = (id: string, email: string, expectedVersion: AppendRequest['expectedVersion'] = 'no_stream', release?: string, key?: string): AppendRequest => ({
  streamType: 'user',
  streamId: id,
  expectedVersion,
  events: [newEvent('EmailSet', { email })],
  unique: { claim: [{ field: 'email', value: email }], release: release === undefined ? [] : [{ field: 'email', value: release }] },
  ...(key !== undefined ? { idempotencyKey: key, idempotencyFingerprint: 'f' } : {}),
});
const holders = async () =>
  (await store.query<{ value: string; stream_id: string }>('SELECT value, stream_id FROM uniques ORDER BY value')).rows.map((r) => `${r.value}=${r.stream_id}`);
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
});
