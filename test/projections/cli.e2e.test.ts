/**
 * The CLI of projections: `tusk-es check --ddl` prints the tables' DDL, and `tusk-es rebuild`
 * rebuilds from the log of the embedded store with progress on stderr, exit codes included.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStore } from '../../src/store/index.js';
import { runCli } from '../support/cli.js';
import { startServer } from '../support/server.js';
import { SEED_AGGREGATES, SEED_PROJECTIONS, modelOf } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tusk-projection-cli-'));
const APP = `event_store = { data_dir = "${join(dir, 'data')}" }\n${SEED_AGGREGATES}\n${SEED_PROJECTIONS}`;

beforeAll(() => {
  writeFileSync(join(dir, 'app.tsk'), APP);
  writeFileSync(
    join(dir, 'declared.tsk'),
    `events = { Sold = { schema = { sku = "string" } } }
projections = {
    sales = {
        table = "we\\"ird sales"
        key = "sku"
        columns = { sku = "varchar(20) primary key", amount = "numeric(12,2) not null", "when" = "timestamp with time zone", code = "text unique" }
        indexes = ["amount", ["when", "amount"]]
        mapping = { Sold = { action = "upsert", fields = { sku = "data.sku", amount = "0", "when" = "timestamp" } } }
        events = ["Sold"]
    }
}
`,
  );
  writeFileSync(
    join(dir, 'bad.tsk'),
    `events = { Sold = {} }\nprojections = { p = { table = "p", columns = { id = "text; DROP TABLE x" }, events = ["Sold"] } }\n`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tusk-es check --ddl', () => {
  it('prints the CREATE TABLE and index statements the runtime runs, inferred or declared', async () => {
    const seed = await runCli(['check', '--ddl', 'app.tsk'], {}, dir);
    expect(seed.code, seed.stderr).toBe(0);
    expect(seed.stdout).toContain(`-- projection user_projection (inline)
CREATE TABLE IF NOT EXISTS "public"."users" (
  "id" text NOT NULL,
  "email" text,
  "username" text,
  "status" text,
  "created_at" timestamptz,
  "updated_at" timestamptz,
  "deleted_at" timestamptz,
  CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);`);
    expect(seed.stdout).toContain('CREATE INDEX IF NOT EXISTS "order_items_order_id_idx" ON "public"."order_items" ("order_id");');

    const declared = await runCli(['check', '--ddl', 'declared.tsk'], {}, dir);
    expect(declared.code, declared.stderr).toBe(0);
    expect(declared.stdout).toBe(`-- declared.tsk
-- projection sales (inline)
CREATE TABLE IF NOT EXISTS "public"."we""ird sales" (
  "sku" varchar(20) NOT NULL,
  "amount" numeric(12,2) NOT NULL,
  "when" timestamptz,
  "code" text,
  CONSTRAINT "we""ird sales_pkey" PRIMARY KEY ("sku"),
  CONSTRAINT "we""ird sales_code_key" UNIQUE ("code")
);
CREATE INDEX IF NOT EXISTS "we""ird sales_amount_idx" ON "public"."we""ird sales" ("amount");
CREATE INDEX IF NOT EXISTS "we""ird sales_when_amount_idx" ON "public"."we""ird sales" ("when", "amount");
`);
  });

  it('refuses a column declaration it does not know, located, and prints no DDL', async () => {
    const bad = await runCli(['check', '--ddl', 'bad.tsk'], {}, dir);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain(
      'bad.tsk:2:53: error: projections.p.columns.id: unknown column type in "text; DROP TABLE x" (use one of text, varchar, char, integer, bigint',
    );
  });
});

describe('tusk-es rebuild', () => {
  it('rebuilds every projection from the log with progress lines on stderr', async () => {
    const server = await startServer('app.tsk', { cwd: dir });
    try {
      for (let i = 0; i < 30; i++) {
        const r = await fetch(`${server.url}/aggregates/user/u${i}/commands/CreateUser`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: `u${i}@example.com`, username: `user${i}` }),
        });
        expect(r.status).toBe(200);
      }
      await fetch(`${server.url}/aggregates/user/u3/commands/UpdateUser`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'three' }),
      });
      // the embedded store belongs to one process: a rebuild beside a running server is refused
      const busy = await runCli(['rebuild', 'app.tsk'], {}, dir);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toContain('is in use by process');
    } finally {
      expect(await server.stop()).toBe(0);
    }

    const r = await runCli(['rebuild', 'app.tsk'], {}, dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^user_projection: rebuilt from 31 events in [\d.]+s \([\d,]+ events\/s\), at position \d+\norder_projection: rebuilt from 0 events in [\d.]+s/,
    );
    expect(r.stderr).toMatch(/^user_projection: 31\/31 events \(100%\), \d+ events\/s, ETA 0s$/m);

    const store = await openEventStore((await modelOf(APP)).event_store);
    try {
      const rows = await store.query<{ id: string; username: string }>('SELECT id, username FROM users ORDER BY id');
      expect(rows.rows).toHaveLength(30);
      expect(rows.rows.find((x) => x.id === 'u3')?.username).toBe('three');
    } finally {
      await store.close();
    }
  });

  it('exits 2 for a projection the app does not declare', async () => {
    const r = await runCli(['rebuild', 'app.tsk', 'user_projection', 'nope'], {}, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('tusk-es rebuild: unknown projection "nope" (declared: user_projection, order_projection)\n');
  });
});
