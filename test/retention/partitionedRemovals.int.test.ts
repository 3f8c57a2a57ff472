/**
 * Removals on the partitioned layouts of the events table (issue 16 items 2 and 4), on a real
 * PostgreSQL: a truncation rewrites the event at the cut into the closing snapshot in place, so
 * it keeps its position, partition and archived flag (an archived stream stays wholly in the
 * archived partition); a hard delete removes the stream from every partition. And a hard delete
 * holds every partition of an async projection with `partitions > 1` while it deletes its rows.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import { partitionKeys } from '../../src/consumers/partitionKeys.js';
import { checkpointLockKey } from '../../src/consumers/sql/lockCheckpoint.js';
import { CLOSING_SNAPSHOT } from '../../src/engine/systemEvents.js';
import { compileProjections } from '../../src/projections/compile/compileProjection.js';
import { removeStreamRows } from '../../src/projections/run/removeStreamRows.js';
import type { EventStore } from '../../src/store/EventStore.js';
import { openEventStore } from '../../src/store/index.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { eventually, modelOf } from '../projections/helpers.js';
import { createTestDatabase } from '../support/postgres.js';
import { newEvent } from '../store/contract.js';

let url: string;
beforeAll(async () => {
  url = await createTestDatabase(inject('pgUrl'));
});

const open = (schema: string, partitioning: Record<string, unknown>) =>
  openEventStore(appSchema.parse({ event_store: { type: 'postgresql', connection: url, schema, partitioning } }).event_store);

/** Each event of a stream as [version, type, position, partition, archived]. */
async function rows(store: EventStore, id: string): Promise<[number, string, number, string, boolean][]> {
  const { rows } = await store.query<{ version: number; type: string; position: string; p: string; archived: boolean }>(
    `SELECT version, type, position, tableoid::regclass::text AS p, archived FROM ${store.tables.events}
      WHERE stream_type = 'acct' AND stream_id = $1 ORDER BY version`,
    [id],
  );
  return rows.map((r) => [r.version, r.type, Number(r.position), r.p, r.archived]);
}

describe.each([
  { layout: { by: 'hash', partition_count: 4 }, archive: false },
  { layout: { by: 'archived' }, archive: true },
  { layout: { by: 'time', interval: 'month' }, archive: false },
])('removals on the $layout.by layout', ({ layout, archive }) => {
  it('truncation keeps the cut event row in place as the closing snapshot; hard delete empties every partition', async () => {
    const store = await open(`r_${randomUUID().slice(0, 8)}`, layout);
    try {
      const old = new Date(Date.now() - 70 * 86_400_000);
      for (const id of ['t1', 'other']) {
        // two months of events: by time the stream spans two partitions, the cut in the older one
        const events = Array.from({ length: 8 }, (_, i) => ({ ...newEvent('Deposited', { i }), ...(i < 5 ? { timestamp: old } : {}) }));
        await store.append({ streamType: 'acct', streamId: id, expectedVersion: 'no_stream', events });
      }
      if (archive) expect(await store.archiveStreams([{ streamType: 'acct', streamId: 't1' }])).toBe(8);
      const before = await rows(store, 't1');
      const other = await rows(store, 'other');
      expect(new Set(before.map((r) => r[4]))).toEqual(new Set([archive]));

      const removal = await store.removeEvents({
        kind: 'truncate',
        streamType: 'acct',
        streamId: 't1',
        beforeVersion: 5,
        closing: { id: randomUUID(), type: CLOSING_SNAPSHOT, data: { state: { n: 4 } }, metadata: { truncated_before: 5 } },
      });
      expect(removal).toMatchObject({ status: 'done', eventsRemoved: 4 });
      const after = await rows(store, 't1');
      // version 4 is the snapshot now: same position, partition and archived flag as the event it replaced
      expect(after).toEqual([[4, CLOSING_SNAPSHOT, before[3]![2], before[3]![3], before[3]![4]], ...before.slice(4)]);
      expect(await rows(store, 'other')).toEqual(other);
      expect((await store.readStream('acct', 't1', { limit: 1 }))[0]).toMatchObject({
        version: 4,
        type: CLOSING_SNAPSHOT,
        data: { state: { n: 4 } },
      });
      // a truncation again at the same cut leaves the snapshot as it is
      await store.removeEvents({
        kind: 'truncate',
        streamType: 'acct',
        streamId: 't1',
        beforeVersion: 5,
        closing: { id: randomUUID(), type: CLOSING_SNAPSHOT, data: { state: { n: -1 } }, metadata: {} },
      });
      expect(await rows(store, 't1')).toEqual(after);
      // the stream goes on (new events are hot, README "Retention and deletion of streams")
      const next = await store.append({ streamType: 'acct', streamId: 't1', expectedVersion: 8, events: [newEvent('Deposited')] });
      expect(next.events[0]).toMatchObject({ version: 9 });

      await store.removeEvents({ kind: 'delete', streamType: 'acct', streamId: 't1' });
      expect(await rows(store, 't1')).toEqual([]);
      expect(await store.streamVersion('acct', 't1')).toBe(0);
      expect(await rows(store, 'other')).toEqual(other);
    } finally {
      await store.close();
    }
  });
});

describe('hard delete and an async projection in partitions', () => {
  const model = async (connection: string) =>
    modelOf(`
event_store = { type = "postgresql", connection = "${connection}" }
projection_defaults = { poll_interval = "50ms" }
aggregates = {
    acct = {
        state = { balance = 0 }
        commands = { Open = { creates = true, input = { amount = "number" }, emits = "Deposited" } }
        apply = { Deposited = { balance = "balance + data.amount" } }
    }
}
projections = {
    totals = {
        table = "totals"
        mode = "async"
        partitions = 2
        events = ["Deposited"]
        on_stream_deleted = "delete"
        mapping = { Deposited = { action = "upsert", fields = { total = "COALESCE(total, 0) + data.amount" } } }
    }
}
`);
  let t: TestApp;
  let other: EventStore;
  afterAll(async () => {
    await t?.close();
    await other?.close();
  });

  it('holds the lock of every partition of the layout in force until the removal commits', async () => {
    const connection = await createTestDatabase(inject('pgUrl'));
    const m = await model(connection);
    t = await startTestApp(m);
    other = await openEventStore(m.event_store);
    const store = t.started.runtime.store;
    for (const id of ['x', 'y', 'z']) expect((await t.api('POST', `/aggregates/acct/${id}/commands/Open`, { amount: 2 })).status).toBe(200);
    await eventually(
      async () => (await t.api('GET', '/projections/totals?limit=100')).body.rows as unknown[],
      (r) => r.length === 3,
      'three totals rows',
      60_000,
    );
    const keys = partitionKeys('projection:totals', 2);
    const free = async (): Promise<boolean[]> => {
      const out: boolean[] = [];
      for (const key of keys) {
        // a try-lock in a transaction of its own: released at once when it was taken
        const { rows } = await other.transaction((tx) =>
          tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS ok', [
            checkpointLockKey(other.tables, key),
          ]),
        );
        out.push(rows[0]!.ok);
      }
      return out;
    };
    expect(await free()).toEqual([true, true]);
    const projection = compileProjections(m).find((p) => p.name === 'totals')!;
    let during: boolean[] = [];
    await store.transaction(async (tx) => {
      await removeStreamRows(tx, store, [projection], 'acct', 'x');
      during = await free();
    });
    expect(during).toEqual([false, false]);
    expect(await free()).toEqual([true, true]);
    expect((await t.api('GET', '/projections/totals/x')).status).toBe(404);
  });
});

describe('removals of streams archived to files', () => {
  it('truncation brings the file events from the cut back into the table, the cut one as the snapshot; hard delete unlinks them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tusk-removal-files-'));
    const store = await openEventStore(
      appSchema.parse({
        event_store: { type: 'postgresql', connection: url, schema: `f_${randomUUID().slice(0, 8)}`, archive: { storage: 'files', dir } },
      }).event_store,
    );
    try {
      for (const id of ['t1', 'd1', 'other']) {
        const events = Array.from({ length: 10 }, (_, i) => newEvent('Deposited', { i }));
        await store.append({ streamType: 'acct', streamId: id, expectedVersion: 'no_stream', events });
      }
      expect(await store.archiveStreams(['t1', 'd1', 'other'].map((streamId) => ({ streamType: 'acct', streamId })))).toBe(27);
      expect(await rows(store, 't1')).toHaveLength(1); // the newest stays in the table
      const before = await store.readStream('acct', 't1');
      const other = await store.readStream('acct', 'other');
      expect(before.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

      await store.removeEvents({
        kind: 'truncate',
        streamType: 'acct',
        streamId: 't1',
        beforeVersion: 6,
        closing: { id: randomUUID(), type: CLOSING_SNAPSHOT, data: { state: { n: 5 } }, metadata: {} },
      });
      const after = await store.readStream('acct', 't1');
      expect(after.map((e) => [e.version, e.type, e.position])).toEqual([
        [5, CLOSING_SNAPSHOT, before[4]!.position],
        ...before.slice(5).map((e) => [e.version, e.type, e.position]),
      ]);
      expect(after[0]!.data).toEqual({ state: { n: 5 } });
      expect(after.slice(1).map((e) => e.data)).toEqual(before.slice(5).map((e) => e.data));
      // all of it in the table now; the log reads it once
      expect((await rows(store, 't1')).map((r) => r[0])).toEqual([5, 6, 7, 8, 9, 10]);
      const log = await store.readAll({ after: 0, limit: 1000 });
      expect(log.filter((e) => e.streamId === 't1').map((e) => e.version)).toEqual([5, 6, 7, 8, 9, 10]);

      await store.removeEvents({ kind: 'delete', streamType: 'acct', streamId: 'd1' });
      expect(await store.readStream('acct', 'd1')).toEqual([]);
      expect(await store.readsArchive('acct', 'd1')).toBe(false);
      expect((await store.readAll({ after: 0, limit: 1000 })).some((e) => e.streamId === 'd1')).toBe(false);
      expect(await store.readStream('acct', 'other')).toEqual(other);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
