/**
 * The EventStore contract: every backend runs exactly these tests (STYLE habit 4).
 * `open` gives a fresh, empty store each time it is called with a new name.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AppendRequest, EventStore, NewEvent } from '../../src/store/EventStore.js';
import type { SqlEventStoreOptions } from '../../src/store/SqlEventStore.js';

/** Opens an empty store (a new database or schema each call). */
export type OpenStore = (options?: SqlEventStoreOptions) => Promise<EventStore>;

/**
 * The layouts of the events table the contract runs on (`event_store.partitioning`): the label
 * appended to the backend's name, and the config. The contract must hold in each.
 */
export const STORE_LAYOUTS: readonly (readonly [string, Record<string, unknown> | undefined])[] = [
  ['', undefined],
  [', hash-partitioned', { by: 'hash', partition_count: 4 }],
  [', archive-partitioned', { by: 'archived' }],
  [', time-partitioned', { by: 'time', interval: 'day' }],
];

/** A new event of `type` with `data`. */
export function newEvent(type: string, data: Record<string, unknown> = {}): NewEvent {
  return { id: randomUUID(), type, eventVersion: 1, data, metadata: { m: 1 }, timestamp: new Date() };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
  return 'resolved';
}

/** Registers the contract tests for one backend. */
export function eventStoreContract(name: string, open: OpenStore): void {
  const withStore = async (fn: (store: EventStore) => Promise<void>, options?: SqlEventStoreOptions) => {
    const store = await open(options);
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  };

  describe(`EventStore contract: ${name}`, () => {
    it('appends with versions 1..n and increasing positions, and reads the stream back', () =>
      withStore(async (store) => {
        const first = await store.append({
          streamType: 'order',
          streamId: 'o1',
          expectedVersion: 'no_stream',
          events: [newEvent('A', { x: 1 }), newEvent('B', { y: 'ü' })],
        });
        expect(first.events.map((e) => e.version)).toEqual([1, 2]);
        expect(first.events[1]!.position).toBeGreaterThan(first.events[0]!.position);
        const second = await store.append({ streamType: 'order', streamId: 'o1', expectedVersion: 2, events: [newEvent('C')] });
        expect(second.events[0]).toMatchObject({ version: 3, type: 'C', streamType: 'order', streamId: 'o1' });
        const read = await store.readStream('order', 'o1');
        expect(read.map((e) => [e.version, e.type])).toEqual([
          [1, 'A'],
          [2, 'B'],
          [3, 'C'],
        ]);
        expect(read[1]!.data).toEqual({ y: 'ü' });
        expect(read[0]!.metadata).toEqual({ m: 1 });
        expect(read[0]!.timestamp).toBeInstanceOf(Date);
        expect(read.map((e) => e.position)).toEqual([...first.events, ...second.events].map((e) => e.position));
        expect(await store.readStream('order', 'o1', { fromVersion: 2, toVersion: 2 })).toHaveLength(1);
        expect(await store.readStream('order', 'o1', { untilTime: new Date(Date.now() - 60_000) })).toHaveLength(0);
        expect(await store.streamVersion('order', 'o1')).toBe(3);
        expect(await store.streamVersion('order', 'nope')).toBe(0);
        // the same id under another type is another stream
        expect(await store.streamVersion('user', 'o1')).toBe(0);
      }));

    it('reads only what a fold needs with dataOnly: the same versions, types, schema versions and data', () =>
      withStore(async (store) => {
        const events = [
          newEvent('A', { x: 1 }),
          { ...newEvent('B', { y: 'ü', n: null }), eventVersion: 3 },
          newEvent('C', { z: [1, { w: 2 }] }),
        ];
        await store.append({ streamType: 'fold', streamId: 'f1', expectedVersion: 'no_stream', events });
        await store.append({ streamType: 'fold', streamId: 'other', expectedVersion: 'no_stream', events: [newEvent('X')] });
        const lean = (options = {}) => store.readStream('fold', 'f1', { ...options, dataOnly: true });
        const full = await store.readStream('fold', 'f1');
        expect(await lean()).toEqual(
          full.map(({ streamType, streamId, version, type, eventVersion, data }) => ({
            streamType,
            streamId,
            version,
            type,
            eventVersion,
            data,
          })),
        );
        expect((await lean({ fromVersion: 2, toVersion: 2 })).map((e) => [e.version, e.type, e.eventVersion])).toEqual([[2, 'B', 3]]);
        expect(await lean({ untilTime: new Date(Date.now() - 60_000) })).toEqual([]);
        expect(await store.readStream('fold', 'none', { dataOnly: true })).toEqual([]);
      }));

    it('rejects a stale expected version or an existing stream and writes nothing', () =>
      withStore(async (store) => {
        await store.append({ streamType: 's', streamId: '1', expectedVersion: 'no_stream', events: [newEvent('A')] });
        expect(await codeOf(store.append({ streamType: 's', streamId: '1', expectedVersion: 0, events: [newEvent('B')] }))).toBe(
          'VERSION_CONFLICT',
        );
        expect(await codeOf(store.append({ streamType: 's', streamId: '1', expectedVersion: 'no_stream', events: [newEvent('B')] }))).toBe(
          'STREAM_EXISTS',
        );
        expect(await codeOf(store.append({ streamType: 's', streamId: '2', expectedVersion: 3, events: [newEvent('B')] }))).toBe(
          'VERSION_CONFLICT',
        );
        expect((await store.readStream('s', '1')).map((e) => e.type)).toEqual(['A']);
        expect(await store.streamVersion('s', '2')).toBe(0);
        await store.append({ streamType: 's', streamId: '1', expectedVersion: 'any', events: [newEvent('C')] });
        expect(await store.streamVersion('s', '1')).toBe(2);
      }));

    it('group commit: concurrent appends share transactions, and a conflict fails only its own append', async () => {
      const sizes: number[] = [];
      await withStore(
        async (store) => {
          const requests: AppendRequest[] = Array.from({ length: 60 }, (_, i) => ({
            streamType: 'g',
            streamId: `s${i}`,
            expectedVersion: i === 17 ? 5 : 'no_stream',
            events: [newEvent('E', { i })],
          }));
          const outcomes = await Promise.allSettled(requests.map((r) => store.append(r)));
          outcomes.forEach((o, i) => {
            if (i === 17) expect(o.status === 'rejected' && (o.reason as { code: string }).code).toBe('VERSION_CONFLICT');
            else expect(o.status).toBe('fulfilled');
          });
          for (let i = 0; i < 60; i++) expect(await store.streamVersion('g', `s${i}`)).toBe(i === 17 ? 0 : 1);
          // two appends to one stream in the same batch: the second sees the first
          const same = await Promise.allSettled([
            store.append({ streamType: 'g', streamId: 's0', expectedVersion: 1, events: [newEvent('F')] }),
            store.append({ streamType: 'g', streamId: 's0', expectedVersion: 2, events: [newEvent('G')] }),
            store.append({ streamType: 'g', streamId: 's0', expectedVersion: 1, events: [newEvent('H')] }),
          ]);
          expect(same.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
          expect((await store.readStream('g', 's0')).map((e) => e.type)).toEqual(['E', 'F', 'G']);
        },
        { onBatch: (n) => sizes.push(n) },
      );
      expect(Math.max(...sizes)).toBeGreaterThan(1);
    });

    it('an append hook runs in the transaction; when it throws, only that append fails and nothing of it is written', () =>
      withStore(async (store) => {
        // in the store's own schema: one database holds the contract's runs of every layout
        const hookRows = store.tables.table('hook_rows');
        await store.query(`CREATE TABLE ${hookRows} (event_id uuid PRIMARY KEY, stream text NOT NULL)`);
        store.addAppendHook(async (tx, events) => {
          for (const e of events) {
            if ((e.data as { fail?: boolean }).fail === true) throw new Error('projection failed');
            await tx.query(`INSERT INTO ${hookRows} (event_id, stream) VALUES ($1, $2)`, [e.id, e.streamId]);
          }
        });
        const outcomes = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) =>
            store.append({ streamType: 'h', streamId: `h${i}`, expectedVersion: 'no_stream', events: [newEvent('E', { fail: i === 4 })] }),
          ),
        );
        expect(outcomes.map((o) => o.status)).toEqual(Array.from({ length: 10 }, (_, i) => (i === 4 ? 'rejected' : 'fulfilled')));
        expect(await store.streamVersion('h', 'h4')).toBe(0);
        const rows = await store.query<{ stream: string }>(`SELECT stream FROM ${hookRows} ORDER BY stream`);
        expect(rows.rows.map((r) => r.stream)).toEqual(['h0', 'h1', 'h2', 'h3', 'h5', 'h6', 'h7', 'h8', 'h9']);
      }));

    it('keeps unique values across streams: claim, conflict, release, reclaim', () =>
      withStore(async (store) => {
        const claim = (id: string, value: string, expectedVersion: AppendRequest['expectedVersion'], release?: string) =>
          store.append({
            streamType: 'user',
            streamId: id,
            expectedVersion,
            events: [newEvent('EmailSet', { email: value })],
            unique: { claim: [{ field: 'email', value }], release: release === undefined ? [] : [{ field: 'email', value: release }] },
          });
        await claim('u1', 'a@x', 'no_stream');
        expect(await codeOf(claim('u2', 'a@x', 'no_stream'))).toBe('UNIQUE_VIOLATION');
        expect(await store.streamVersion('user', 'u2')).toBe(0);
        // another type may hold the same value
        await store.append({
          streamType: 'admin',
          streamId: 'u2',
          expectedVersion: 'no_stream',
          events: [newEvent('E')],
          unique: { claim: [{ field: 'email', value: 'a@x' }], release: [] },
        });
        await claim('u1', 'b@x', 1, 'a@x');
        await claim('u2', 'a@x', 'no_stream');
        expect(await codeOf(claim('u3', 'b@x', 'no_stream'))).toBe('UNIQUE_VIOLATION');
        // in one batch: the first claim wins, the second fails
        const race = await Promise.allSettled([claim('u4', 'c@x', 'no_stream'), claim('u5', 'c@x', 'no_stream')]);
        expect(race.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
      }));

    it('claims unique values of any length, exactly (issue 13: a btree key holds ~2.7 KB)', () =>
      withStore(async (store) => {
        const long = randomBytes(15_000).toString('base64');
        const claim = (id: string, value: string) =>
          store.append({
            streamType: 'user',
            streamId: id,
            expectedVersion: 'no_stream',
            events: [newEvent('E')],
            unique: { claim: [{ field: 'email', value }], release: [] },
          });
        await claim('l1', long);
        expect(await codeOf(claim('l2', long))).toBe('UNIQUE_VIOLATION');
        await claim('l3', `${long}=`);
        await store.append({
          streamType: 'user',
          streamId: 'l1',
          expectedVersion: 1,
          events: [newEvent('E')],
          unique: { claim: [], release: [{ field: 'email', value: long }] },
        });
        await claim('l2', long);
      }));

    it('records idempotency keys with their events', () =>
      withStore(async (store) => {
        const appended = await store.append({
          streamType: 'o',
          streamId: 'i1',
          expectedVersion: 'no_stream',
          events: [newEvent('A'), newEvent('B')],
          idempotencyKey: 'k1',
          idempotencyFingerprint: 'f1',
        });
        const record = await store.lookupIdempotency('k1');
        expect(record).toMatchObject({ fingerprint: 'f1', streamType: 'o', streamId: 'i1' });
        expect(record!.events.map((e) => e.id)).toEqual(appended.events.map((e) => e.id));
        expect(await store.lookupIdempotency('nope')).toBeUndefined();
        expect(
          await codeOf(
            store.append({
              streamType: 'o',
              streamId: 'i2',
              expectedVersion: 'no_stream',
              events: [newEvent('A')],
              idempotencyKey: 'k1',
              idempotencyFingerprint: 'f1',
            }),
          ),
        ).toBe('IDEMPOTENCY_CONFLICT');
        expect(await store.streamVersion('o', 'i2')).toBe(0);
      }));

    it('stores one snapshot per stream, found only under its config hash and at or below a version', () =>
      withStore(async (store) => {
        await store.append({
          streamType: 'c',
          streamId: '1',
          expectedVersion: 'no_stream',
          events: [newEvent('A'), newEvent('B')],
          snapshot: { version: 2, state: { n: 2 }, configHash: 'h1' },
        });
        expect(await store.loadSnapshot('c', '1', 'h1')).toEqual({ version: 2, state: { n: 2 }, configHash: 'h1' });
        expect(await store.loadSnapshot('c', '1', 'h2')).toBeUndefined();
        expect(await store.loadSnapshot('c', '1', 'h1', 1)).toBeUndefined();
        await store.append({
          streamType: 'c',
          streamId: '1',
          expectedVersion: 2,
          events: [newEvent('C')],
          snapshot: { version: 3, state: { n: 3 }, configHash: 'h1' },
        });
        expect(await store.loadSnapshot('c', '1', 'h1')).toMatchObject({ version: 3, state: { n: 3 } });
      }));

    it('reads the global log by position, filtered by type, and knows its head', () =>
      withStore(async (store) => {
        expect(await store.headPosition()).toBe(0);
        for (let i = 0; i < 5; i++)
          await store.append({
            streamType: 'l',
            streamId: `l${i % 2}`,
            expectedVersion: 'any',
            events: [newEvent(i % 2 === 0 ? 'Even' : 'Odd', { i })],
          });
        const all = await store.readAll({ after: 0, limit: 100 });
        expect(all.map((e) => (e.data as { i: number }).i)).toEqual([0, 1, 2, 3, 4]);
        const page = await store.readAll({ after: all[1]!.position, limit: 2 });
        expect(page.map((e) => (e.data as { i: number }).i)).toEqual([2, 3]);
        expect((await store.readAll({ after: 0, limit: 100, types: ['Odd'] })).map((e) => e.type)).toEqual(['Odd', 'Odd']);
        expect(await store.headPosition()).toBe(all[4]!.position);
      }));

    it('refuses data PostgreSQL cannot store with a 400, writing nothing', () =>
      withStore(async (store) => {
        expect(
          await codeOf(
            store.append({ streamType: 'n', streamId: '1', expectedVersion: 'no_stream', events: [newEvent('A', { s: 'a\u0000b' })] }),
          ),
        ).toBe('INVALID_INPUT');
        expect(await store.streamVersion('n', '1')).toBe(0);
      }));

    it('keeps checkpoints and leases', () =>
      withStore(async (store) => {
        expect(await store.loadCheckpoint('p')).toBe(0);
        await store.saveCheckpoint('p', 42);
        await store.transaction((tx) => store.saveCheckpoint('p', 43, tx));
        expect(await store.loadCheckpoint('p')).toBe(43);
        await expect(
          store.transaction(async (tx) => {
            await store.saveCheckpoint('p', 99, tx);
            throw new Error('rolled back');
          }),
        ).rejects.toThrow('rolled back');
        expect(await store.loadCheckpoint('p')).toBe(43);
        const first = await store.acquireLease('worker', 'a', 60_000);
        expect(first).toBeTypeOf('number');
        expect(await store.acquireLease('worker', 'b', 60_000)).toBeUndefined();
        expect(await store.acquireLease('worker', 'a', 60_000)).toBe(first);
        await store.releaseLease('worker', 'a');
        const second = await store.acquireLease('worker', 'b', 1);
        expect(second).toBeGreaterThan(first!);
        await new Promise((r) => setTimeout(r, 20));
        const third = await store.acquireLease('worker', 'a', 60_000);
        expect(third).toBeGreaterThan(second!);
      }));

    it('fences writes under a lease: only the holder with its current token passes, and the row stays locked until it commits', () =>
      withStore(async (store) => {
        const token = (await store.acquireLease('fenced', 'a', 60_000))!;
        expect(await store.transaction((tx) => store.holdsLease(tx, 'fenced', 'a', token))).toBe(true);
        expect(await store.transaction((tx) => store.holdsLease(tx, 'fenced', 'a', token + 1))).toBe(false);
        expect(await store.transaction((tx) => store.holdsLease(tx, 'fenced', 'b', token))).toBe(false);
        // expired (and then taken): the old holder's token no longer passes
        await store.acquireLease('fenced', 'a', 1);
        await new Promise((r) => setTimeout(r, 20));
        expect(await store.transaction((tx) => store.holdsLease(tx, 'fenced', 'a', token))).toBe(false);
        const taken = (await store.acquireLease('fenced', 'b', 60_000))!;
        expect(await store.transaction((tx) => store.holdsLease(tx, 'fenced', 'a', token))).toBe(false);
        expect(await store.transaction((tx) => store.holdsLease(tx, 'fenced', 'b', taken))).toBe(true);
      }));

    it('runs read-only queries in a read-only transaction', () =>
      withStore(async (store) => {
        expect((await store.query<{ n: number }>('SELECT $1::int + 1 AS n', [1], { readOnly: true })).rows).toEqual([{ n: 2 }]);
        await expect(store.query(`DELETE FROM ${store.tables.events}`, [], { readOnly: true })).rejects.toThrow(/read-only/);
      }));
  });
}
