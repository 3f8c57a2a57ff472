/**
 * Remembered stream versions and events that move (src/store/sql/logEpoch.ts) on a real
 * PostgreSQL: two stores on one database stand for two processes. A store appends to a stream
 * it knows without checking its version in SQL, counting on the events' unique (stream,
 * version) index to refuse a write behind another process's; archival (to the archived
 * partition or to files) and removals take events out of that index's reach, so each of them
 * must make the other process's next append check again: a stale append is refused, never
 * written as a second event of one version.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { EventStore } from '../../src/store/EventStore.js';
import { createTestDatabase } from '../support/postgres.js';
import { newEvent } from './contract.js';
import { withTwoStores } from './twoStores.js';

let url: string;
const root = mkdtempSync(join(tmpdir(), 'tusk-log-epoch-'));
beforeAll(async () => {
  url = await createTestDatabase(inject('pgUrl'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (err: unknown) => (err as { code?: string }).code ?? String(err),
  );

/** (version, count) of every version the stream has more than once, in the table. */
async function doubled(store: EventStore): Promise<unknown[]> {
  const { rows } = await store.query(
    `SELECT stream_id, version, count(*)::int AS n FROM ${store.tables.events} GROUP BY stream_id, version HAVING count(*) > 1`,
  );
  return rows;
}

describe('remembered versions and moved events', () => {
  it('unpartitioned: a truncation that removed the version a process would write next does not let its stale append through', async () => {
    await withTwoStores(url, {}, async (a, b) => {
      // a appends version 1 (and remembers it); b writes 2..4, then truncates before 4 (1 and 2 go, 3 is the snapshot)
      await a.append({ streamType: 's', streamId: '1', expectedVersion: 'no_stream', events: [newEvent('A')] });
      await b.append({ streamType: 's', streamId: '1', expectedVersion: 1, events: [newEvent('B'), newEvent('C'), newEvent('D')] });
      await b.removeEvents({
        kind: 'truncate',
        streamType: 's',
        streamId: '1',
        beforeVersion: 4,
        closing: { id: randomUUID(), type: '$snapshot', data: { state: {} }, metadata: {} },
      });
      // version 2 is gone from the table: its index cannot refuse a's stale write of version 2
      expect(await codeOf(a.append({ streamType: 's', streamId: '1', expectedVersion: 1, events: [newEvent('Stale')] }))).toBe(
        'VERSION_CONFLICT',
      );
      expect((await b.readStream('s', '1')).map((e) => [e.version, e.type])).toEqual([
        [3, '$snapshot'],
        [4, 'D'],
      ]);
      // and a writes on from what it read
      await a.append({ streamType: 's', streamId: '1', expectedVersion: 4, events: [newEvent('E')] });
      expect(await b.streamVersion('s', '1')).toBe(5);
    });
  });

  it('files tier: archival that moved the version a process would write next into a file does not let its stale append through', async () => {
    await withTwoStores(url, { archive: { storage: 'files', dir: join(root, randomUUID()) } }, async (a, b) => {
      await a.append({ streamType: 's', streamId: '1', expectedVersion: 'no_stream', events: [newEvent('A')] });
      await b.append({ streamType: 's', streamId: '1', expectedVersion: 1, events: [newEvent('B'), newEvent('C')] });
      // versions 1 and 2 go to a file; 3, the newest, stays in the table
      expect(await b.archiveStreams([{ streamType: 's', streamId: '1' }])).toBe(2);
      expect(await codeOf(a.append({ streamType: 's', streamId: '1', expectedVersion: 1, events: [newEvent('Stale')] }))).toBe(
        'VERSION_CONFLICT',
      );
      expect((await a.readStream('s', '1')).map((e) => [e.version, e.type])).toEqual([
        [1, 'A'],
        [2, 'B'],
        [3, 'C'],
      ]);
    });
  });

  it(
    'partitioned by archived: appends of two processes racing archival write no version twice and lose no conflict',
    { timeout: 180_000 },
    async () => {
      await withTwoStores(url, { partitioning: { by: 'archived' } }, async (a, b) => {
        const streams = ['0', '1', '2', '3'];
        // what each process last saw of each stream (as a command's loaded state would)
        const seen = [new Map<string, number>(), new Map<string, number>()];
        const acknowledged = new Map<string, [string, number]>();
        let conflicts = 0;
        let moves = 0;
        let stop = false;
        const writer = async (store: EventStore, view: Map<string, number>, worker: number) => {
          for (let i = 0; !stop; i++) {
            const id = streams[(worker + i) % streams.length]!;
            const at = view.get(id) ?? 0;
            const event = newEvent('E');
            try {
              const result = await store.append({
                streamType: 's',
                streamId: id,
                expectedVersion: at === 0 ? 'no_stream' : at,
                events: [event],
              });
              acknowledged.set(event.id, [id, result.events[0]!.version]);
              view.set(id, Math.max(view.get(id) ?? 0, result.events[0]!.version));
            } catch (err) {
              const e = err as { code?: string; details?: { actual?: number } };
              if (e.code !== 'VERSION_CONFLICT' && e.code !== 'STREAM_EXISTS') throw err;
              conflicts++;
              view.set(id, Math.max(view.get(id) ?? 0, e.details?.actual ?? 0));
            }
          }
        };
        const archiver = async () => {
          while (!stop) {
            if ((await a.archiveStreams(streams.map((streamId) => ({ streamType: 's', streamId })))) > 0) moves++;
            // pacing, not waiting for anything: the writers get the append lock in between
            await new Promise((r) => setTimeout(r, 20));
          }
        };
        const running = [...[0, 1, 2].map((w) => writer(a, seen[0]!, w)), ...[0, 1, 2].map((w) => writer(b, seen[1]!, w + 1)), archiver()];
        // until enough of everything happened (counted, not timed: CI is slow)
        for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
          if (acknowledged.size >= 300 && conflicts >= 20 && moves >= 10) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        stop = true;
        await Promise.all(running);
        expect({ appends: acknowledged.size >= 300, conflicts: conflicts >= 20, moves: moves >= 10 }).toEqual({
          appends: true,
          conflicts: true,
          moves: true,
        });
        expect(await doubled(a)).toEqual([]);
        const { rows } = await a.query<{ id: string; stream_id: string; version: number; archived: boolean }>(
          `SELECT id::text, stream_id, version, archived FROM ${a.tables.events}`,
        );
        // every acknowledged append is there at its version, and nothing else is
        expect(new Map(rows.map((r) => [r.id, [r.stream_id, r.version]]))).toEqual(acknowledged);
        for (const id of streams) {
          const versions = rows.filter((r) => r.stream_id === id).map((r) => r.version);
          expect(versions.sort((x, y) => x - y)).toEqual(versions.map((_, i) => i + 1));
        }
        expect(rows.some((r) => r.archived)).toBe(true);
      });
    },
  );
});
