/**
 * The saga scheduler's due query (issue 21's soak): every update of an instance leaves its old
 * entry in the next_due_at index until a vacuum, up to a fifth of every instance ever started.
 * A poll must not read each of those again: the query scans the partial indexes in order, which
 * marks the dead entries it finds, so the next poll skips them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { dueSagas } from '../../src/sagas/sql/dueSagas.js';
import { runMigrations } from '../../src/store/migrations/runMigrations.js';
import type { SqlClient } from '../../src/store/SqlClient.js';
import type { SqlExecutor } from '../../src/store/EventStore.js';
import { storeTables } from '../../src/store/tables.js';

const t = storeTables('public', '');
let db: PGlite;
let client: SqlClient;

beforeAll(async () => {
  // PGlite itself, not the embedded client: its vacuum would remove the dead entries this is about.
  db = await PGlite.create('memory://');
  const executor = (e: Pick<PGlite, 'query'>): SqlExecutor => ({
    query: async <R>(sql: string, params: readonly unknown[] = []) => {
      const r = await e.query<R>(sql, [...params]);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
  });
  client = {
    kind: 'embedded',
    ...executor(db),
    queryArrays: async <R extends unknown[]>(sql: string, params: readonly unknown[] = []) =>
      (await db.query<R>(sql, [...params], { rowMode: 'array' })).rows,
    transaction: (fn) => db.transaction((tx) => fn(executor(tx))),
    close: () => db.close(),
  };
  await runMigrations(client, t);
  // 20,000 finished instances, then 5,000 of them running again and finished again: two dead
  // versions each, whose next_due_at entries (an hour ago) stay in the index until a vacuum.
  await client.query(`INSERT INTO saga_instances (id, name, status, next_due_at, deadline, version)
    SELECT 's' || g, 'order_saga', 'completed', NULL, now() + interval '1 day', 3 FROM generate_series(1, 20000) g`);
  await client.query(`UPDATE saga_instances SET status = 'running', next_due_at = now() - interval '1 hour' WHERE id LIKE 's1%'`);
  await client.query(`UPDATE saga_instances SET status = 'completed', next_due_at = NULL WHERE id LIKE 's1%'`);
  // Due: a step due 10 minutes ago, a retry due in an hour (not yet), a passed deadline, and one past both.
  await client.query(`INSERT INTO saga_instances (id, name, status, next_due_at, deadline, version) VALUES
    ('step', 'order_saga', 'running', now() - interval '10 minutes', now() + interval '1 day', 2),
    ('later', 'order_saga', 'running', now() + interval '1 hour', now() + interval '1 day', 2),
    ('deadline', 'order_saga', 'running', NULL, now() - interval '20 minutes', 2),
    ('both', 'order_saga', 'running', now() - interval '30 minutes', now() - interval '5 minutes', 2)`);
}, 90_000);
afterAll(async () => {
  await client?.close();
});

/** Runs the due query as dueSagas sends it, under EXPLAIN (ANALYZE, BUFFERS): the buffers it touched. */
async function buffersOfPoll(): Promise<number> {
  const sent: [string, readonly unknown[]][] = [];
  await dueSagas({ query: async (sql, params = []) => (sent.push([sql, params]), { rows: [], rowCount: 0 }) }, t, new Date(), 256);
  const [sql, params] = sent[0]!;
  const plan = (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params)).rows.map((r) => r['QUERY PLAN']);
  // The first Buffers line is the top node's: every buffer the query touched.
  const buffers = /Buffers: shared (.*)/.exec(plan.join('\n'))?.[1];
  expect(buffers).toBeDefined();
  return [...buffers!.matchAll(/=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
}

describe('the due query', () => {
  it('returns the due instances, most overdue first, each once', async () => {
    const due = await dueSagas(client, t, new Date(), 256);
    expect(due).toEqual([
      { id: 'both', tenant: undefined },
      { id: 'deadline', tenant: undefined },
      { id: 'step', tenant: undefined },
    ]);
  });

  it('a poll after another does not read the dead index entries again', async () => {
    await buffersOfPoll();
    // 11,111 instances were updated twice: a bitmap scan of both indexes read their entries and
    // their ~140 heap pages at every poll (151 buffers); an ordered scan, once they are marked, ~14.
    expect(await buffersOfPoll()).toBeLessThan(60);
  });
});
