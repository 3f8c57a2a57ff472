/**
 * The saga index is written in every append batch that holds saga events (issue 21's soak):
 * its update must find the touched instances by their primary key, not by a scan of every
 * instance ever started, or the order flow slows as its orders accumulate. A batch holds up to
 * a few hundred instances: without statistics PostgreSQL took `id = ANY(…)` on the (id,
 * tenant_id) key for most of the table and scanned it whole (32 ms a batch after 120,000 orders),
 * so the embedded store analyzes its tables as autoanalyze would (src/store/embeddedVacuum.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSagaIndex } from '../../src/sagas/sql/writeSagaIndex.js';
import { runMigrations } from '../../src/store/migrations/runMigrations.js';
import { createPgliteClient, type EmbeddedClient } from '../../src/store/pgliteClient.js';
import { storeTables } from '../../src/store/tables.js';

const t = storeTables('public', '');
let client: EmbeddedClient;

beforeAll(async () => {
  client = await createPgliteClient('memory://');
  await runMigrations(client, t);
  await client.query(`INSERT INTO saga_instances (id, name, status, next_due_at, deadline, version)
    SELECT 's' || g, 'order_saga', 'completed', NULL, now(), 7 FROM generate_series(1, 5000) g`);
}, 60_000);
afterAll(async () => {
  await client?.close();
});

describe('the saga index update', () => {
  it('updates the touched instances through the primary key', async () => {
    expect(await updatePlan(['s17', 's4000'])).toContain('saga_instances_pkey');
  });

  it('a batch of 200 instances goes through the primary key too, once the store analyzed its tables on its own', async () => {
    await client.query(`INSERT INTO saga_instances (id, name, status, next_due_at, deadline, version)
      SELECT 'g' || g, 'order_saga', 'completed', NULL, now(), 7 FROM generate_series(1, 20000) g`);
    // The embedded client's maintenance (every 5 s) analyzes a table that changed past autoanalyze's threshold.
    await expect
      .poll(
        async () =>
          Number(
            (await client.query<{ n: number }>(`SELECT analyze_count AS n FROM pg_stat_user_tables WHERE relname = 'saga_instances'`))
              .rows[0]?.n ?? 0,
          ),
        { timeout: 90_000, interval: 250 },
      )
      .toBeGreaterThan(0);
    const ids = Array.from({ length: 200 }, (_, i) => `g${1 + i * 97}`);
    const plan = await updatePlan(ids);
    expect(plan).toContain('saga_instances_pkey');
    expect(plan).not.toContain('Seq Scan on saga_instances');
  }, 120_000);

  it('writes the touched instances and no other', async () => {
    const sent: [string, readonly unknown[]][] = [];
    const recording = {
      query: <R>(sql: string, params: readonly unknown[] = []) => (sent.push([sql, params]), client.query<R>(sql, params)),
    };
    const due = new Date().toISOString();
    await writeSagaIndex(recording, t, [
      { id: 's17', name: 'order_saga', started: false, status: 'running', next_due_at: due, version: 8 },
      { id: 's4000', name: 'order_saga', started: false, next_due_at: null, version: 9 },
    ]);
    const rows = (
      await client.query<{ id: string; status: string; version: number }>(
        `SELECT id, status, version FROM saga_instances WHERE id IN ('s17', 's4000', 's18') ORDER BY id`,
      )
    ).rows;
    expect(rows).toEqual([
      { id: 's17', status: 'running', version: 8 },
      { id: 's18', status: 'completed', version: 7 },
      { id: 's4000', status: 'completed', version: 9 },
    ]);
    expect(sent.some(([s]) => s.trimStart().startsWith('UPDATE'))).toBe(true);
  });
});

/** The plan of writeSagaIndex's UPDATE for a batch that touches instances `ids` (not run). */
async function updatePlan(ids: readonly string[]): Promise<string> {
  const sent: [string, readonly unknown[]][] = [];
  const explaining = {
    query: async <R>(sql: string, params: readonly unknown[] = []) => {
      sent.push([sql, params]);
      return { rows: [] as R[], rowCount: 0 };
    },
  };
  const due = new Date().toISOString();
  await writeSagaIndex(
    explaining,
    t,
    ids.map((id) => ({ id, name: 'order_saga', started: false, status: 'running' as const, next_due_at: due, version: 8 })),
  );
  const [sql, params] = sent.find(([s]) => s.trimStart().startsWith('UPDATE'))!;
  const plan = (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params)).rows.map((r) => r['QUERY PLAN']).join('\n');
  expect(plan).not.toContain('Seq Scan on saga_instances');
  return plan;
}
