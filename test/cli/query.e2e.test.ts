/**
 * `@query` (SPEC §1): `check` leaves it unrun (a warning) unless `--db`, which runs it read-only
 * against the configured store with bound parameters (`$1` or `?`); `serve` always runs it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tusk-query-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const app = (query: string) => `
event_store { type = "embedded", data_dir = "${join(dir, 'data')}" }
snapshots { frequency = ${query} }
`;

describe('@query', () => {
  it('is a warning without --db, and is run with --db (? and $1 placeholders bound)', async () => {
    writeFileSync(join(dir, 'q.tsk'), app('@query("SELECT ?::int * 2 AS n", 25)'));
    const plain = await runCli(['check', '--print-model', 'q.tsk'], {}, dir);
    expect(plain.stderr).toContain('q.tsk:3:25: warning: @query is not run by `check` without --db');
    const withDb = await runCli(['check', '--db', '--print-model', 'q.tsk'], {}, dir);
    expect(withDb.stderr).toContain('0 errors, 0 warnings');
    expect(JSON.parse(withDb.stdout).snapshots.frequency).toBe(50);
    writeFileSync(join(dir, 'q2.tsk'), app('@query("SELECT $1::int + $2::int AS n", 40, 2)'));
    expect(JSON.parse((await runCli(['check', '--db', '--print-model', 'q2.tsk'], {}, dir)).stdout).snapshots.frequency).toBe(42);
  });

  it('refuses a query that writes, with a located error', async () => {
    writeFileSync(join(dir, 'w.tsk'), app(`@query("DELETE FROM events RETURNING 1")`));
    const r = await runCli(['check', '--db', 'w.tsk'], {}, dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/w\.tsk:3:25: error: @query failed: .*read-only/);
  });
});
