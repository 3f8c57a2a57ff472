/**
 * Issue 14, acceptance 1: three `tusk-es serve` processes on one PostgreSQL run an async
 * projection with `partitions = 4`, a webhook publisher with `partitions = 2` and a saga (its
 * trigger with `partitions = 2`) under a command load sent through all three; one process is
 * SIGKILLed mid-load. Afterwards: the projection's rows equal a rebuild, the webhook receiver
 * saw every event at least once and in order per stream, every saga finished once, and no
 * partition stayed unowned longer than lease_ttl + 5 s (sampled from the leases table all along).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startReceiver, type WebhookReceiver } from '../publishers/webhookReceiver.js';
import { api, startEndpoint, type Endpoint } from '../sagas/helpers.js';
import { startCommandLoad } from '../support/commandLoad.js';
import { createTestDatabase } from '../support/postgres.js';
import { waitUntil } from '../support/processes.js';
import { startServer, type ServerProcess } from '../support/server.js';
import {
  expectBalancesEqualRebuild,
  expectedBalances,
  expectSagasCompleted,
  expectVersionOrder,
  firstDeliveries,
  LEDGER_LEASE_TTL_MS,
  ledgerApp,
  readLog,
} from './ledger.js';

const dir = mkdtempSync(join(tmpdir(), 'tusk-partitions-'));
let db: pg.Client;
let hooks: WebhookReceiver;
let endpoint: Endpoint;
const servers: ServerProcess[] = [];

/** Every partition lease of the app's consumers. */
const PARTITION_LEASES = (hook: string) => [
  ...[0, 1, 2, 3].map((i) => `projection:balances#${i}/4`),
  ...[0, 1].map((i) => `publisher:webhooks:${hook}#${i}/2`),
  ...[0, 1].map((i) => `saga-trigger:onboarding#${i}/2`),
];

/**
 * Samples the partition leases every 100 ms: a partition is owned at a sample when its lease is
 * unexpired and held by a process that is alive (the killed one's leases count as unowned from
 * the kill on). Records, per lease, the longest time between two owned samples.
 */
function watchLeases(names: readonly string[], killed: () => { pid: number; at: number } | undefined) {
  const lastOwned = new Map<string, number>();
  const longest = new Map<string, number>(names.map((n) => [n, 0]));
  const owners = new Map<string, string>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await db.query<{ name: string; owner: string; live: boolean }>(
        'SELECT name, owner, expires_at > now() AS live FROM leases WHERE name = ANY($1::text[])',
        [names],
      );
      const now = performance.now();
      const dead = killed();
      for (const name of names) {
        const row = rows.find((r) => r.name === name);
        const owned = row !== undefined && row.live && !(dead !== undefined && row.owner.includes(`:${dead.pid}:`));
        if (!owned) continue;
        const last = lastOwned.get(name);
        if (last !== undefined) longest.set(name, Math.max(longest.get(name)!, now - last));
        lastOwned.set(name, now);
        owners.set(name, row.owner);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    /** Every lease owned at the last sample. */
    allOwned: () => names.every((n) => lastOwned.has(n) && performance.now() - lastOwned.get(n)! < 1_000),
    owners: () => new Map(owners),
    /** Per lease, the longest unowned stretch since it was first owned, counting the one still open. */
    longest: () => new Map(names.map((n) => [n, Math.max(longest.get(n)!, performance.now() - (lastOwned.get(n) ?? performance.now()))])),
    async stop() {
      running = false;
      await loop;
    },
  };
}

beforeAll(async () => {
  const url = await createTestDatabase(inject('pgUrl'));
  db = new pg.Client({ connectionString: url });
  await db.connect();
  hooks = await startReceiver();
  endpoint = await startEndpoint(() => ({ status: 200, body: { ok: true } }));
  writeFileSync(join(dir, 'app.tsk'), ledgerApp(url, hooks.url, endpoint.url, { projection: 4, webhooks: 2, saga: 2 }));
  for (let i = 0; i < 3; i++) servers.push(await startServer('app.tsk', { cwd: dir }));
});
afterAll(async () => {
  for (const s of servers) await s.kill();
  await db?.end();
  await hooks?.close();
  await endpoint?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a fleet of three serve processes with partitioned consumers', () => {
  it(
    'survives the SIGKILL of one process mid-load: rows equal a rebuild, webhooks at least once in order, sagas once, no partition unowned past lease_ttl + 5 s',
    { timeout: 600_000 },
    async () => {
      const [a, b, c] = servers as [ServerProcess, ServerProcess, ServerProcess];
      let kill: { pid: number; at: number } | undefined;
      const leases = watchLeases(PARTITION_LEASES(hooks.url), () => kill);
      try {
        await waitUntil('every partition owned', () => leases.allOwned(), { timeoutMs: 60_000 });
        // the partitions are spread: each of the three processes owns some
        await waitUntil(
          'each process to own partitions',
          () => new Set([...leases.owners().values()].map((o) => /:(\d+):/.exec(o)?.[1])).size === 3,
          { timeoutMs: 60_000 },
        );

        const load = startCommandLoad([a.url, b.url, c.url], { workers: 6, prefix: 'p' });
        await waitUntil('60 commands acknowledged before the kill', () => load.acked().length >= 60, { timeoutMs: 120_000 });
        kill = { pid: c.child.pid!, at: performance.now() };
        await c.kill();
        const ackedAtKill = load.acked().length;
        await waitUntil('60 more commands acknowledged after the kill', () => load.acked().length >= ackedAtKill + 60, {
          timeoutMs: 120_000,
        });
        // the killed process's partitions are taken over by the two others
        await waitUntil('every partition owned by a live process again', () => leases.allOwned(), { timeoutMs: 60_000 });
        await load.stop();
        expect(load.failed()).toEqual([]);

        const log = await readLog(a.url);
        const accounts = log.filter((e) => e.aggregate_type === 'account');
        const opened = accounts.filter((e) => e.type === 'Opened');

        // Sagas: every account opened is confirmed once; the call step's effect happened once per saga.
        const final = await expectSagasCompleted(a.url, opened);
        expect(new Set(endpoint.to('/notify').map((r) => r.headers['idempotency-key'])).size).toBe(opened.length);

        // Webhooks: every account event at least once, in version order per account (first arrivals).
        const wanted = new Set(final.filter((e) => e.aggregate_type === 'account').map((e) => e.id));
        const firstArrivals = await firstDeliveries(hooks, wanted);
        expect(new Set(firstArrivals.map((e) => e.id))).toEqual(wanted);
        expectVersionOrder(firstArrivals);

        // The projection: every partition listed, rows as the log says, and as a rebuild makes.
        const status = (
          (await api(b.url, 'GET', '/projections')).body.projections as {
            name: string;
            partitions: { partition: number; owner: string | null }[];
          }[]
        ).find((p) => p.name === 'balances')!;
        expect(status.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3]);
        await expectBalancesEqualRebuild(expectedBalances(final), a.url, b.url);

        // No partition stayed unowned longer than lease_ttl + 5 s, the killed process's included.
        const longest = leases.longest();
        console.info(
          `[partitions] ${load.acked().length} commands, ${opened.length} sagas; longest unowned (ms): ${JSON.stringify(Object.fromEntries([...longest].map(([k, v]) => [k.replace(hooks.url, '<hook>'), Math.round(v)])))}`,
        );
        for (const [name, ms] of longest) expect(ms, `longest unowned stretch of ${name}`).toBeLessThan(LEDGER_LEASE_TTL_MS + 5_000);
      } finally {
        await leases.stop();
      }
    },
  );
});
