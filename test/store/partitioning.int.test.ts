/**
 * The partitioned layouts of the events table on a real PostgreSQL (issue 16 item 4): the
 * store's start moves an existing log into the configured layout and back, keeping every
 * event, position and the order; and a layout whose version index is unique per partition only
 * still refuses stale appends.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import type { EventStore } from '../../src/store/EventStore.js';
import { openEventStore } from '../../src/store/index.js';
import { createTestDatabase } from '../support/postgres.js';
import { newEvent } from './contract.js';

let url: string;
beforeAll(async () => {
  url = await createTestDatabase(inject('pgUrl'));
});

const open = (schema: string, partitioning?: Record<string, unknown>) =>
  openEventStore(appSchema.parse({ event_store: { type: 'postgresql', connection: url, schema, partitioning } }).event_store);

/** Every event of the log as [id, position, stream, version]. */
async function log(store: EventStore): Promise<[string, number, string, number][]> {
  return (await store.readAll({ after: 0, limit: 100_000 })).map((e) => [e.id, e.position, `${e.streamType}/${e.streamId}`, e.version]);
}

/** The partitions holding the events' rows (the table itself when it is not partitioned). */
async function partitionsUsed(store: EventStore): Promise<string[]> {
  const { rows } = await store.query<{ p: string }>(`SELECT DISTINCT tableoid::regclass::text AS p FROM ${store.tables.events} ORDER BY 1`);
  return rows.map((r) => r.p);
}

describe('partitioned events table (PostgreSQL)', () => {
  it('moves an existing log into each layout and back: same events, positions and order; appends continue above', async () => {
    const schema = `p_${randomUUID().slice(0, 8)}`;
    let store = await open(schema);
    const old = new Date(Date.now() - 100 * 86_400_000);
    for (let i = 0; i < 40; i++) {
      const e = i < 10 ? { ...newEvent('Old', { i }), timestamp: old } : newEvent('E', { i });
      await store.append({ streamType: 'order', streamId: `o${i % 13}`, expectedVersion: 'any', events: [e] });
    }
    const before = await log(store);
    expect(before).toHaveLength(40);
    await store.close();

    // the layout, its partitions, and how many of them hold the log's rows (13 streams; two months)
    for (const [partitioning, partitions, used] of [
      [{ by: 'hash', partition_count: 4 }, 4, 3],
      [{ by: 'hash', partition_count: 8 }, 8, 4],
      [{ by: 'archived' }, 2, 1],
      [{ by: 'time', interval: 'month' }, 7, 2],
      [{ by: 'none' }, 0, 1],
    ] as const) {
      store = await open(schema, partitioning);
      try {
        const label = JSON.stringify(partitioning);
        expect(await log(store), label).toEqual(before);
        const { rows } = await store.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = to_regclass($1)`, [
          store.tables.events,
        ]);
        expect(rows[0]!.n, label).toBeGreaterThanOrEqual(partitions);
        expect((await partitionsUsed(store)).length, label).toBeGreaterThanOrEqual(used);
        // a stream reads the same, and the next append gets a greater position and the next version
        const stream = await store.readStream('order', 'o0');
        const appended = await store.append({
          streamType: 'order',
          streamId: 'o0',
          expectedVersion: stream.length,
          events: [newEvent('After')],
        });
        expect(appended.events[0]!.position, label).toBeGreaterThan(Math.max(...before.map((b) => b[1])));
        expect(appended.events[0]!.version, label).toBe(stream.length + 1);
        before.push(...(await log(store)).slice(-1));
      } finally {
        await store.close();
      }
    }
    store = await open(schema);
    expect(await log(store)).toEqual(before);
    await store.close();
  });

  it('partitioned by archived: an append to an archived stream is checked against every partition', async () => {
    const schema = `p_${randomUUID().slice(0, 8)}`;
    const [a, b] = [await open(schema, { by: 'archived' }), await open(schema, { by: 'archived' })];
    try {
      // a remembers version 1; b (another process) writes version 2; the stream is then archived
      await a.append({ streamType: 's', streamId: '1', expectedVersion: 'no_stream', events: [newEvent('A')] });
      await b.append({ streamType: 's', streamId: '1', expectedVersion: 1, events: [newEvent('B')] });
      expect(await b.archiveStreams([{ streamType: 's', streamId: '1' }])).toBe(2);
      expect(await partitionsUsed(b)).toEqual([expect.stringContaining('events_archived')]);
      // version 2 is in the archived partition only: the hot partition's index cannot refuse a second one
      await expect(a.append({ streamType: 's', streamId: '1', expectedVersion: 1, events: [newEvent('Stale')] })).rejects.toMatchObject({
        code: 'VERSION_CONFLICT',
      });
      await expect(
        b.append({ streamType: 's', streamId: '1', expectedVersion: 'no_stream', events: [newEvent('Again')] }),
      ).rejects.toMatchObject({ code: 'STREAM_EXISTS' });
      await a.append({ streamType: 's', streamId: '1', expectedVersion: 2, events: [newEvent('C')] });
      expect((await b.readStream('s', '1')).map((e) => [e.version, e.type])).toEqual([
        [1, 'A'],
        [2, 'B'],
        [3, 'C'],
      ]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('partitioned by time: old events get partitions of their own, and each start adds the coming ones', async () => {
    const schema = `p_${randomUUID().slice(0, 8)}`;
    let store = await open(schema);
    const old = new Date(Date.now() - 100 * 86_400_000);
    await store.append({
      streamType: 't',
      streamId: '1',
      expectedVersion: 'no_stream',
      events: [{ ...newEvent('Old'), timestamp: old }, newEvent('New')],
    });
    await store.close();
    store = await open(schema, { by: 'time', interval: 'week' });
    try {
      const { rows } = await store.query<{ p: string; type: string }>(
        `SELECT tableoid::regclass::text AS p, type FROM ${store.tables.events} ORDER BY position`,
      );
      expect(rows.map((r) => r.type)).toEqual(['Old', 'New']);
      expect(rows.every((r) => !r.p.includes('default'))).toBe(true);
      expect(new Set(rows.map((r) => r.p)).size).toBe(2);
      const parts = await store.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = to_regclass($1)`, [
        store.tables.events,
      ]);
      // ~15 weeks back, this week, two ahead, the default
      expect(parts.rows[0]!.n).toBeGreaterThanOrEqual(17);
      expect((await store.readStream('t', '1', { untilTime: new Date(old.getTime() + 1000) })).map((e) => e.type)).toEqual(['Old']);
    } finally {
      await store.close();
    }
  });
});
