/**
 * The files tier's store (issue 16 item 3) on PostgreSQL and on the embedded store: after
 * archival every read (stream ranges, temporal reads, data-only loads, the global log paged,
 * filtered by type and by partition) answers exactly what it answered before; appends to an
 * archived stream keep their version check; two runs moving the same batch move it once; a
 * damaged file is a clear error, never a silently shorter stream.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import type { EventStore, StoredEvent } from '../../src/store/EventStore.js';
import { openEventStore } from '../../src/store/index.js';
import { createTestDatabase } from '../support/postgres.js';
import { deposit } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'tusk-file-archive-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const T0 = Date.parse('2026-01-01T00:00:00Z');
const strip = (events: readonly StoredEvent[]) => events.map((e) => ({ ...e }));

async function readWholeLog(
  store: EventStore,
  options: { types?: string[]; partition?: { count: number; index: number } } = {},
  limit = 7,
) {
  const all: StoredEvent[] = [];
  for (;;) {
    const page = await store.readAll({ after: all.at(-1)?.position ?? 0, limit, ...options });
    if (page.length === 0) return all;
    all.push(...page);
  }
}

describe.each(['postgresql', 'embedded'] as const)('the files tier on %s', (kind) => {
  it('reads, appends and concurrent moves see every event once', { timeout: 180_000 }, async () => {
    const dir = join(root, kind);
    const event_store =
      kind === 'postgresql'
        ? { type: 'postgresql', connection: await createTestDatabase(inject('pgUrl')) }
        : { type: 'embedded', data_dir: 'memory://' };
    const config = appSchema.parse({ event_store: { ...event_store, archive: { storage: 'files', dir } } }).event_store;
    const store = await openEventStore(config);
    try {
      // three streams written interleaved, with two event types and times a second apart
      for (let k = 0; k < 10; k++)
        for (const id of ['a', 'b', 'c'])
          await store.append({
            streamType: 'account',
            streamId: id,
            expectedVersion: k === 0 ? 'no_stream' : k,
            events: [{ ...deposit(k, T0 + k * 1000), type: k % 3 === 0 ? 'Opened' : 'Deposited', metadata: { k } }],
          });
      const streams = ['a', 'b', 'c'];
      const before = new Map(await Promise.all(streams.map(async (id) => [id, strip(await store.readStream('account', id))] as const)));
      const log = await readWholeLog(store);
      const opened = await readWholeLog(store, { types: ['Opened'] });
      const halves = [
        await readWholeLog(store, { partition: { count: 2, index: 0 } }),
        await readWholeLog(store, { partition: { count: 2, index: 1 } }),
      ];
      expect(log).toHaveLength(30);

      // a and b move (9 events each), two runs at once: each event moves once
      const other = kind === 'postgresql' ? await openEventStore(config) : store;
      const moved = await Promise.all([
        store.archiveStreams([
          { streamType: 'account', streamId: 'a' },
          { streamType: 'account', streamId: 'b' },
        ]),
        other.archiveStreams([
          { streamType: 'account', streamId: 'a' },
          { streamType: 'account', streamId: 'b' },
        ]),
      ]);
      if (other !== store) await other.close();
      expect(moved[0] + moved[1]).toBe(18);
      const hot = await store.query<{ stream_id: string; version: number }>(
        `SELECT stream_id, version FROM ${store.tables.events} ORDER BY position`,
      );
      expect(hot.rows.filter((r) => r.stream_id !== 'c')).toEqual([
        { stream_id: 'a', version: 10 },
        { stream_id: 'b', version: 10 },
      ]);
      expect(readdirSync(dir).filter((f) => f.endsWith('.ndjson.gz'))).toHaveLength(1);

      // every read answers as before
      for (const id of streams) expect(strip(await store.readStream('account', id))).toEqual(before.get(id));
      const a = before.get('a')!;
      expect(strip(await store.readStream('account', 'a', { fromVersion: 3, toVersion: 7 }))).toEqual(a.slice(2, 7));
      expect(strip(await store.readStream('account', 'a', { fromVersion: 8, limit: 2 }))).toEqual(a.slice(7, 9));
      expect(strip(await store.readStream('account', 'a', { limit: 4 }))).toEqual(a.slice(0, 4));
      expect(strip(await store.readStream('account', 'a', { untilTime: new Date(T0 + 4500) }))).toEqual(a.slice(0, 5));
      const data = await store.readStream('account', 'b', { dataOnly: true });
      expect(data.map((e) => [e.version, e.type, e.data])).toEqual(before.get('b')!.map((e) => [e.version, e.type, e.data]));
      expect(await readWholeLog(store)).toEqual(log);
      expect(await readWholeLog(store, {}, 1000)).toEqual(log);
      expect(await readWholeLog(store, { types: ['Opened'] })).toEqual(opened);
      expect(await readWholeLog(store, { partition: { count: 2, index: 0 } })).toEqual(halves[0]);
      expect(await readWholeLog(store, { partition: { count: 2, index: 1 } })).toEqual(halves[1]);
      expect(await store.transaction((tx) => store.readLocked(tx, { after: 0, limit: 100 }))).toEqual(log);
      expect(await store.readsArchive('account', 'a')).toBe(true);
      expect(await store.readsArchive('account', 'c')).toBe(false);

      // appends to an archived stream continue its versions, and are still checked
      await expect(
        store.append({ streamType: 'account', streamId: 'a', expectedVersion: 5, events: [deposit(99, T0)] }),
      ).rejects.toMatchObject({
        code: 'VERSION_CONFLICT',
      });
      await expect(
        store.append({ streamType: 'account', streamId: 'a', expectedVersion: 'no_stream', events: [deposit(99, T0)] }),
      ).rejects.toMatchObject({
        code: 'STREAM_EXISTS',
      });
      await store.append({ streamType: 'account', streamId: 'a', expectedVersion: 10, events: [deposit(10, T0 + 10_000)] });
      expect(await store.streamVersion('account', 'a')).toBe(11);
      // archived again: a second file, and the stream still reads whole
      expect(await store.archiveStreams([{ streamType: 'account', streamId: 'a' }])).toBe(1);
      expect((await store.readStream('account', 'a')).map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);

      // a damaged file is an error that names it (read by a process that has not cached it)
      if (kind === 'postgresql') {
        const first = readdirSync(dir)
          .filter((f) => f.endsWith('.ndjson.gz'))
          .sort()[0]!;
        writeFileSync(join(dir, first), gzipSync('{"position": 1}\n'));
        const fresh = await openEventStore(config);
        try {
          await expect(fresh.readStream('account', 'b')).rejects.toThrow(/archive file .* is damaged/);
        } finally {
          await fresh.close();
        }
      }
    } finally {
      await store.close();
    }
  });
});
