/**
 * Issue 21 (soak_app): PGlite runs no autovacuum (one backend, no launcher), so the embedded
 * store vacuums by autovacuum's rule itself: the dead rows of updated tables (saga_instances,
 * projection rows) are removed, and with them the dead index entries that queries walked.
 */
import { describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { vacuumDue } from '../../src/store/embeddedVacuum.js';
import { createPgliteClient } from '../../src/store/pgliteClient.js';

/** PGlite itself, or the embedded client. */
type Db = { query<R>(sql: string): Promise<{ rows: R[] }> };

const DEAD = `SELECT n_dead_tup AS dead FROM pg_stat_user_tables WHERE relname = 'churn'`;

async function churn(db: Db): Promise<void> {
  await db.query('CREATE TABLE churn (id int PRIMARY KEY, due timestamptz)');
  await db.query('CREATE INDEX ON churn (due) WHERE due IS NOT NULL');
  await db.query('INSERT INTO churn SELECT i, now() FROM generate_series(1, 1000) i');
  for (let k = 0; k < 3; k++) await db.query("UPDATE churn SET due = due + interval '1 second'");
}

/** The dead rows of `churn` in PostgreSQL's statistics. */
async function deadRows(db: Db): Promise<number> {
  const { rows } = await db.query<{ dead: number }>(DEAD);
  return Number(rows[0]?.dead ?? 0);
}

describe('vacuuming the embedded store', () => {
  it('PGlite itself never removes the dead rows of an updated table', async () => {
    const db = await PGlite.create('memory://');
    try {
      await churn(db);
      await expect.poll(() => deadRows(db), { timeout: 90_000, interval: 250 }).toBe(3_000);
      expect(await vacuumDue(db)).toEqual(['"public"."churn"']);
      expect(await deadRows(db)).toBe(0);
      expect(await vacuumDue(db)).toEqual([]);
    } finally {
      await db.close();
    }
  }, 120_000);

  it('freezes a table whose transaction ids grow old, though it has no dead row (an insert-only log)', async () => {
    const db = await PGlite.create('memory://');
    try {
      await db.query('CREATE TABLE log (id int PRIMARY KEY)');
      for (let i = 0; i < 20; i++) await db.query(`INSERT INTO log VALUES (${i})`);
      const age = async () =>
        Number((await db.query<{ age: number }>(`SELECT age(relfrozenxid) AS age FROM pg_class WHERE relname = 'log'`)).rows[0]!.age);
      expect(await age()).toBeGreaterThanOrEqual(20);
      // A table with rows and no statistics is analyzed once; then, at the default age (200
      // million), nothing is due: no dead rows, young transaction ids, few changes.
      expect(await vacuumDue(db)).toEqual(['"public"."log"']);
      expect(await vacuumDue(db)).toEqual([]);
      // Past the age it is frozen, and then no longer due.
      expect(await vacuumDue(db, 10)).toEqual(['"public"."log"']);
      expect(await age()).toBeLessThan(10);
      expect(await vacuumDue(db, 10)).toEqual([]);
    } finally {
      await db.close();
    }
  }, 120_000);

  it('analyzes a table without statistics, and again past autoanalyze’s threshold (PGlite itself never does)', async () => {
    const db = await PGlite.create('memory://');
    try {
      await db.query('CREATE TABLE grown (id int PRIMARY KEY)');
      await db.query('INSERT INTO grown SELECT generate_series(1, 1000)');
      const counters = async () =>
        (
          await db.query<{ analyzes: number; changed: number; stats: number }>(
            `SELECT analyze_count AS analyzes, n_mod_since_analyze AS changed,
                    (SELECT count(*) FROM pg_statistic WHERE starelid = 'grown'::regclass)::int AS stats
               FROM pg_stat_user_tables WHERE relname = 'grown'`,
          )
        ).rows[0]!;
      // PostgreSQL reports a transaction's changes to the counters a moment after it ends.
      await expect.poll(async () => (await counters()).changed, { timeout: 90_000, interval: 250 }).toBe(1000);
      expect((await counters()).stats).toBe(0);
      expect(await vacuumDue(db)).toEqual(['"public"."grown"']);
      expect(await counters()).toMatchObject({ analyzes: 1, stats: 1 });
      // 40 changes: under 50 + 10 % of 1,000 rows, nothing is due (once the counters show them).
      await db.query('INSERT INTO grown SELECT generate_series(1001, 1040)');
      await expect.poll(async () => (await counters()).changed, { timeout: 90_000, interval: 250 }).toBe(40);
      expect(await vacuumDue(db)).toEqual([]);
      // 200 more: past it, analyzed again.
      await db.query('INSERT INTO grown SELECT generate_series(1041, 1240)');
      await expect.poll(async () => (await counters()).changed, { timeout: 90_000, interval: 250 }).toBe(240);
      expect(await vacuumDue(db)).toEqual(['"public"."grown"']);
      expect(await counters()).toMatchObject({ analyzes: 2, changed: 0 });
    } finally {
      await db.close();
    }
  }, 120_000);

  it('analyzes a table whose rows were all deleted once, not at every pass (it gets no statistics)', async () => {
    const db = await PGlite.create('memory://');
    try {
      await db.query('CREATE TABLE emptied (id int PRIMARY KEY)');
      await db.query('INSERT INTO emptied SELECT generate_series(1, 10)');
      await db.query('DELETE FROM emptied');
      // never counted, pages on disk: analyzed (it might hold rows); ANALYZE then counts 0 live rows
      expect(await vacuumDue(db)).toEqual(['"public"."emptied"']);
      const { rows } = await db.query<{ counted: number; stats: number }>(
        `SELECT reltuples AS counted, (SELECT count(*) FROM pg_statistic WHERE starelid = 'emptied'::regclass)::int AS stats
           FROM pg_class WHERE oid = 'emptied'::regclass`,
      );
      expect(rows[0]).toEqual({ counted: 0, stats: 0 });
      expect(await vacuumDue(db)).toEqual([]);
    } finally {
      await db.close();
    }
  }, 120_000);

  it('the embedded client vacuums a table past autovacuum’s threshold on its own', async () => {
    const client = await createPgliteClient('memory://');
    try {
      await churn(client);
      const vacuumed = async () =>
        (
          await client.query<{ vacuums: number; dead: number }>(
            `SELECT vacuum_count AS vacuums, n_dead_tup AS dead FROM pg_stat_user_tables WHERE relname = 'churn'`,
          )
        ).rows[0];
      await expect
        .poll(
          async () => {
            const r = await vacuumed();
            return r !== undefined && r.vacuums >= 1 && r.dead === 0;
          },
          { timeout: 90_000, interval: 250 },
        )
        .toBe(true);
    } finally {
      await client.close();
    }
  }, 120_000);
});
