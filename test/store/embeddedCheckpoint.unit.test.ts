/**
 * PGlite is a standalone backend: it never checkpoints by the WAL it writes (only at close), so
 * its pg_wal kept every segment written since the start. The embedded store checkpoints by the
 * WAL written (embeddedMaintenance.ts): on disk, pg_wal stays within max_wal_size however much
 * is written, and what was written is still there after a restart.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { checkpointDue } from '../../src/store/embeddedMaintenance.js';
import { createPgliteClient } from '../../src/store/pgliteClient.js';

const MB = 1024 * 1024;
/** PostgreSQL's WAL segment (the data dir template's). */
const SEGMENT = 16 * MB;
/** max_wal_size in the store's start parameters (embeddedMaintenance.ts). */
const MAX_WAL_SIZE = 128 * MB;

/** Bytes the files of `dir` take on disk (allocated blocks, recycled segments included). */
function onDisk(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    bytes += entry.isDirectory() ? onDisk(path) : statSync(path).blocks * 512;
  }
  return bytes;
}

/** The rows of `filler`: how many, the range of their ids, and how many have a body other than the one written. */
const SUMMARY = `SELECT count(*)::int AS n, min(id) AS first, max(id) AS last,
                        count(*) FILTER (WHERE body <> repeat(md5(id::text), 32))::int AS changed FROM filler`;

/** Batch k: 6,000 rows of 1 KB (about 7 MB of WAL). */
async function write(db: { query(sql: string, params?: readonly unknown[]): Promise<unknown> }, k: number): Promise<void> {
  await db.query(
    `INSERT INTO filler (id, body) SELECT $1::int * 6000 + i, repeat(md5(($1::int * 6000 + i)::text), 32) FROM generate_series(1, 6000) i`,
    [k],
  );
}

describe('checkpointing the embedded store', () => {
  it('keeps pg_wal within max_wal_size on disk however much is written, and the data survives a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tusk-wal-'));
    try {
      // Small settings keep the test short: a pass every 20 ms, a checkpoint past 16 MB of WAL.
      const maintenance = { everyMs: 20, checkpointWalBytes: SEGMENT };
      let client = await createPgliteClient(dir, { maintenance });
      let peak = 0;
      let written = 0;
      let batches = 0;
      try {
        await client.query('CREATE TABLE filler (id int PRIMARY KEY, body text NOT NULL)');
        const lsn = async () =>
          BigInt(
            (await client.query<{ bytes: string }>(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint AS bytes`)).rows[0]!.bytes,
          );
        const start = await lsn();
        // Well past the bound: without the store's checkpoints pg_wal would hold all of it.
        while (written <= 2.5 * MAX_WAL_SIZE) {
          await write(client, batches++);
          // Between batches, as under load: the maintenance pass runs when PGlite is free.
          await new Promise((r) => setTimeout(r, 25));
          peak = Math.max(peak, onDisk(join(dir, 'pg_wal')));
          written = Number((await lsn()) - start);
        }
      } finally {
        await client.close();
      }
      // Recycled segments count; one segment more for the one being written.
      expect(peak).toBeLessThanOrEqual(MAX_WAL_SIZE + SEGMENT);
      expect(onDisk(join(dir, 'pg_wal'))).toBeLessThanOrEqual(MAX_WAL_SIZE + SEGMENT);

      client = await createPgliteClient(dir, { maintenance });
      try {
        const { rows } = await client.query(SUMMARY);
        expect(rows[0]).toEqual({ n: batches * 6000, first: 1, last: batches * 6000, changed: 0 });
      } finally {
        await client.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('writes no full-page images after its checkpoints: a change to each of 200 pages costs its record, not the page', async () => {
    const client = await createPgliteClient('memory://', { maintenance: { everyMs: 60_000 } });
    try {
      // ~8 rows of 1 KB a page: 1,600 rows fill about 200 heap pages.
      await client.query('CREATE TABLE filler (id int PRIMARY KEY, body text NOT NULL)');
      await client.query(`INSERT INTO filler (id, body) SELECT i, repeat(md5(i::text), 32) FROM generate_series(1, 1600) i`);
      await client.query('CHECKPOINT');
      const lsn = async () =>
        BigInt((await client.query<{ at: string }>(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint AS at`)).rows[0]!.at);
      const before = await lsn();
      // One small change on every 8th row: each heap page (and index leaf) is first touched after the checkpoint.
      await client.query('UPDATE filler SET body = upper(body) WHERE id % 8 = 0');
      const written = Number((await lsn()) - before);
      // With full_page_writes (PostgreSQL's default) each of those ~200 pages would go into the
      // WAL whole (8 kB), over 1.6 MB; without them, the 200 updates' records (~1.1 kB each).
      expect(written).toBeLessThan(600 * 1024);
    } finally {
      await client.close();
    }
  }, 120_000);

  it('checkpoints once the WAL written since the last checkpoint passes the threshold, and then not again', async () => {
    const db = await PGlite.create('memory://');
    try {
      await db.query('CREATE TABLE filler (id int PRIMARY KEY, body text NOT NULL)');
      const redo = async () =>
        (await db.query<{ redo: string }>('SELECT redo_lsn::text AS redo FROM pg_control_checkpoint()')).rows[0]!.redo;
      await db.exec('CHECKPOINT');
      const before = await redo();
      expect(await checkpointDue(db, SEGMENT)).toBe(false);
      for (let k = 0; k < 3; k++) await write(db, k);
      expect(await checkpointDue(db, SEGMENT)).toBe(true);
      expect(await redo()).not.toBe(before);
      expect(await checkpointDue(db, SEGMENT)).toBe(false);
    } finally {
      await db.close();
    }
  }, 120_000);
});
