/**
 * Issue 4, acceptance 3: `tusk-es serve` on PostgreSQL is SIGKILLed (three times) while its
 * async projection applies a batch, and restarted; it resumes from its checkpoint and ends with
 * exactly the rows that a from-scratch `tusk-es rebuild` produces — and that the events say
 * (a counter per account: an event applied twice or skipped would show).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openEventStore } from '../../src/store/index.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase } from '../support/postgres.js';
import { startServer, type ServerProcess } from '../support/server.js';
import { eventually, modelOf } from './helpers.js';

const EVENTS = 12_000;
const ACCOUNTS = 200;
const dir = mkdtempSync(join(tmpdir(), 'tusk-projection-crash-'));
const servers: ServerProcess[] = [];
let db: pg.Client;

const app = (url: string) => `
event_store = { type = "postgresql", connection = "${url}" }
projection_defaults = { poll_interval = "50ms", lease_ttl = "2s" }
aggregates = {
    account = {
        commands = {
            Deposit = { input = { amount = "number" }, emits = "Deposited" }
        }
    }
}
projections = {
    balances = {
        table = "balances"
        mode = "async"
        batch_size = 50
        events = ["Deposited"]
        mapping = {
            Deposited = { action = "upsert", fields = { total = "COALESCE(total, 0) + data.amount", deposits = "COALESCE(deposits, 0) + 1", last_at = "timestamp" } }
        }
    }
}
`;

const expected = new Map<string, { total: number; deposits: number }>();

beforeAll(async () => {
  const url = await createTestDatabase(inject('pgUrl'));
  writeFileSync(join(dir, 'app.tsk'), app(url));
  db = new pg.Client({ connectionString: url });
  await db.connect();
  const store = await openEventStore((await modelOf(app(url))).event_store);
  try {
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const id = `acc${i % ACCOUNTS}`;
      const amount = (i % 13) + 0.5;
      const e = expected.get(id) ?? { total: 0, deposits: 0 };
      expected.set(id, { total: e.total + amount, deposits: e.deposits + 1 });
      pending.push(
        store.append({
          streamType: 'account',
          streamId: id,
          expectedVersion: 'any',
          events: [{ id: randomUUID(), type: 'Deposited', eventVersion: 1, data: { amount }, metadata: {}, timestamp: new Date() }],
        }),
      );
      if (pending.length === 1000) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
  } finally {
    await store.close();
  }
}, 300_000);
afterAll(async () => {
  for (const s of servers) await s.kill();
  await db?.end();
  rmSync(dir, { recursive: true, force: true });
});

const checkpoint = async () =>
  Number((await db.query(`SELECT position FROM checkpoints WHERE name = 'projection:balances'`)).rows[0]?.position ?? 0);
const head = async () => Number((await db.query('SELECT max(position) AS p FROM events')).rows[0].p);
const rows = async () =>
  (await db.query('SELECT to_jsonb(b) AS row FROM balances AS b ORDER BY id')).rows.map((r) => r.row as Record<string, unknown>);

/** True while a transaction of another session of this database is open (a batch in flight). */
async function batchInFlight(): Promise<boolean> {
  const { rows: r } = await db.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL AND state <> 'idle'`,
  );
  return r[0].n > 0;
}

describe('async projection and SIGKILL', () => {
  it('resumes from its checkpoint and ends with the rows of a from-scratch rebuild', async () => {
    const last = await head();
    let previous = 0;
    for (let kill = 1; kill <= 3; kill++) {
      const server = await startServer('app.tsk', { cwd: dir });
      servers.push(server);
      // past the previous kill's checkpoint, then in the middle of a batch transaction
      await eventually(checkpoint, (c) => c > previous && c < last * (kill / 4), `progress before kill ${kill}`, 60_000);
      await eventually(batchInFlight, (b) => b, 'a batch in flight', 10_000);
      await server.kill();
      previous = await checkpoint();
      expect(previous).toBeLessThan(last);
    }

    const server = await startServer('app.tsk', { cwd: dir });
    servers.push(server);
    await eventually(checkpoint, (c) => c === last, 'caught up', 120_000);
    const resumed = await rows();
    expect(await server.stop()).toBe(0);

    expect(resumed.map((r) => ({ id: r.id, total: r.total, deposits: r.deposits }))).toEqual(
      [...expected].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, e]) => ({ id, total: e.total, deposits: e.deposits })),
    );

    const rebuilt = await runCli(['rebuild', 'app.tsk', 'balances'], {}, dir);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toMatch(/^balances: rebuilt from 12,000 events in [\d.]+s \([\d,]+ events\/s\), at position \d+\n$/);
    expect(await rows()).toEqual(resumed);
    expect(await checkpoint()).toBe(last);
  });
});
