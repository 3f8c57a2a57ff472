/** In-database replay on PostgreSQL (see replayInDatabase.ts), also while commands append. */
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { compileProjections } from '../../src/projections/compile/compileProjection.js';
import { rebuildProjection } from '../../src/projections/rebuild/rebuildProjection.js';
import { openEventStore } from '../../src/store/index.js';
import { createTestDatabase } from '../support/postgres.js';
import { modelOf } from './helpers.js';
import { replayApp, replayInDatabaseTests } from './replayInDatabase.js';

async function open() {
  const url = await createTestDatabase(inject('pgUrl'));
  const model = await modelOf(replayApp(`event_store = { type = "postgresql", connection = "${url}" }`));
  return { store: await openEventStore(model.event_store), model };
}

describe('rebuild: batches written by PostgreSQL itself', () => {
  replayInDatabaseTests(open);

  it('misses no event appended while it runs: the rows are exactly the events up to its position', async () => {
    const { store, model } = await open();
    try {
      const lines = compileProjections(model).find((p) => p.name === 'lines')!;
      const add = (i: number) =>
        store.append({
          streamType: 'line',
          streamId: `c-${i}`,
          expectedVersion: 'no_stream',
          events: [
            {
              id: randomUUID(),
              type: 'Added',
              eventVersion: 1,
              data: { key: `c-${i}`, label: 'x', n: i },
              metadata: {},
              timestamp: new Date(),
            },
          ],
        });
      await Promise.all(Array.from({ length: 2000 }, (_, i) => add(i)));
      let writing = true;
      let next = 2000;
      const writers = Array.from({ length: 8 }, async () => {
        while (writing) await add(next++);
      });
      const result = await rebuildProjection(store, lines, { batchSize: 100, owner: 'test' });
      writing = false;
      await Promise.all(writers);
      expect(result.inDatabase).toBeGreaterThan(0);
      const { rows } = await store.query<{ events: number; rows: number; missing: number }>(
        `SELECT (SELECT count(*)::int FROM ${store.tables.events} WHERE type = 'Added' AND position <= $1) AS events,
                (SELECT count(*)::int FROM ${store.tables.table('lines')}) AS rows,
                (SELECT count(*)::int FROM ${store.tables.events} e WHERE e.type = 'Added' AND e.position <= $1
                   AND NOT EXISTS (SELECT 1 FROM ${store.tables.table('lines')} l WHERE l.id = e.data->>'key' AND l.pos = e.position)) AS missing`,
        [result.position],
      );
      expect(rows[0]).toEqual({ events: result.events, rows: result.events, missing: 0 });
      expect(next).toBeGreaterThan(2000); // appends did run during the rebuild
    } finally {
      await store.close();
    }
  });
});
