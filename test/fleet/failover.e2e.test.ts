/**
 * Issue 15, acceptance 1: two `tusk-es serve` processes on a real HA PostgreSQL (etcd, Patroni
 * with a synchronous standby, HAProxy; test/support/haCluster.ts) under a command load; the
 * primary's postmaster is SIGKILLed. Afterwards: every acknowledged command is in the log, no
 * stream has a duplicate or missing version, commands succeeded again within 30 s, and the
 * async projection, the webhook publisher and the saga went on without losing or repeating an
 * effect. Everything is checked through the HTTP API and the receivers. The projection and the
 * webhook publisher run with `partitions = 2` (issue 14), spread over the two processes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type WebhookReceiver } from '../publishers/webhookReceiver.js';
import { api, startEndpoint, type Endpoint } from '../sagas/helpers.js';
import { startCommandLoad } from '../support/commandLoad.js';
import { startHaCluster, type HaCluster } from '../support/haCluster.js';
import { waitUntil } from '../support/processes.js';
import { startServer, type ServerProcess } from '../support/server.js';
import {
  expectBalancesEqualRebuild,
  expectedBalances,
  expectSagasCompleted,
  expectVersionOrder,
  firstDeliveries,
  ledgerApp,
  readLog,
  sorted,
  type Balances,
} from './ledger.js';

const dir = mkdtempSync(join(tmpdir(), 'tusk-failover-'));
let cluster: HaCluster;
let hooks: WebhookReceiver;
let endpoint: Endpoint;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  cluster = await startHaCluster();
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query('CREATE DATABASE tusk');
  await admin.end();
  hooks = await startReceiver();
  endpoint = await startEndpoint(() => ({ status: 200, body: { ok: true } }));
  const url = new URL(cluster.url);
  url.pathname = '/tusk';
  writeFileSync(join(dir, 'app.tsk'), ledgerApp(url.toString(), hooks.url, endpoint.url, { projection: 2, webhooks: 2, saga: 1 }));
  servers.push(await startServer('app.tsk', { cwd: dir }), await startServer('app.tsk', { cwd: dir }));
});
afterAll(async () => {
  for (const s of servers) await s.kill();
  await hooks?.close();
  await endpoint?.close();
  await cluster?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a fleet on an HA PostgreSQL', () => {
  // Its waits add up to minutes on a busy machine (each has its own deadline); quiet, it takes ~15 s.
  it(
    'survives the SIGKILL of the primary: nothing acknowledged lost, commands back within 30 s, followers lose and repeat nothing',
    { timeout: 600_000 },
    async () => {
      const [a, b] = servers as [ServerProcess, ServerProcess];
      const load = startCommandLoad([a.url, b.url], { workers: 6, prefix: 'f' });
      await waitUntil('40 commands acknowledged before the kill', () => load.acked().length >= 40, { timeoutMs: 60_000 });

      const primary = (await cluster.primary())!;
      const killedAt = performance.now();
      process.kill(cluster.postmasterPid(primary), 'SIGKILL');
      await waitUntil('a command acknowledged after the kill', () => load.firstAckAfter(killedAt) !== undefined, { timeoutMs: 60_000 });
      const recovery = load.firstAckAfter(killedAt)!.endedAt - killedAt;
      const ackedAtRecovery = load.acked().length;
      await waitUntil('40 more commands acknowledged after the failover', () => load.acked().length >= ackedAtRecovery + 40, {
        timeoutMs: 60_000,
      });
      await load.stop();
      const refused = load.sent.filter((c) => c.status !== 200);
      console.info(
        `[failover] ${primary.name} killed; first command acknowledged ${Math.round(recovery)} ms later; ${load.acked().length} commands acknowledged, ${refused.length} attempts refused (${[...new Set(refused.map((c) => c.status))].join(', ')}) and sent again`,
      );
      expect(recovery).toBeLessThan(30_000);
      expect((await cluster.primary())?.name).not.toBe(primary.name);
      // Both processes rode it out: neither exited, both answer.
      for (const s of servers) {
        const health = await api(s.url, 'GET', '/health').catch((err: unknown) => ({ status: String(err), body: undefined }));
        // an exited process says why in its own output
        expect(health.status, `a serve process stopped answering; its stderr:\n${s.stderr().slice(-4000)}`).toBe(200);
      }

      // Every acknowledged command is in the log; every stream is versions 1..n.
      const log = await readLog(b.url);
      const accounts = log.filter((e) => e.aggregate_type === 'account');
      const ids = new Set(accounts.map((e) => e.id));
      const lost = load
        .acked()
        .flatMap((c) => c.eventIds)
        .filter((id) => !ids.has(id));
      expect(lost).toEqual([]);
      // The client sent each refused command again with its Idempotency-Key until acknowledged:
      // each one is in the log exactly once, whether or not an attempt lost in the switch had committed.
      expect(load.failed()).toEqual([]);
      const acked = load.acked();
      expect(new Set(acked.map((c) => c.key)).size).toBe(acked.length);
      const deposits = acked.filter((c) => c.command === 'Deposit');
      const logDeposits = accounts.filter((e) => e.type === 'Deposited');
      expect(logDeposits.length).toBe(deposits.length);
      expect(accounts.filter((e) => e.type === 'Opened').length).toBe(acked.length - deposits.length);
      const clientBalances: Balances = {};
      for (const c of acked) {
        const row = (clientBalances[c.account] ??= { total: 0, deposits: 0 });
        if (c.command === 'Deposit') {
          row.total += c.amount!;
          row.deposits += 1;
        }
      }
      expect(expectedBalances(log)).toEqual(sorted(clientBalances));
      const versions = new Map<string, number[]>();
      for (const e of accounts) versions.set(e.aggregate_id, [...(versions.get(e.aggregate_id) ?? []), e.version]);
      for (const [id, list] of versions)
        expect(
          [...list].sort((x, y) => x - y),
          `versions of ${id}`,
        ).toEqual(list.map((_, i) => i + 1));

      // Sagas: every account opened is confirmed once; the call step's effect happened once per saga.
      const opened = accounts.filter((e) => e.type === 'Opened');
      const final = await expectSagasCompleted(a.url, opened);
      const calls = endpoint.to('/notify');
      expect(new Set(calls.map((c) => c.headers['idempotency-key'])).size).toBe(opened.length);
      console.info(`[failover] ${opened.length} sagas, ${calls.length} calls of their notify step`);

      // The webhook receiver saw every event of the log, none twice in its effect, in order per aggregate.
      const wanted = new Set(final.filter((e) => e.aggregate_type === 'account').map((e) => e.id));
      const firstArrivals = await firstDeliveries(hooks, wanted);
      expect(new Set(firstArrivals.map((e) => e.id))).toEqual(wanted);
      expectVersionOrder(firstArrivals);
      console.info(`[failover] webhooks: ${wanted.size} events, ${hooks.accepted().length - firstArrivals.length} duplicate deliveries`);

      // The async projection holds what the log says, and what a rebuild makes.
      await expectBalancesEqualRebuild(expectedBalances(final), a.url, b.url);
    },
  );
});
