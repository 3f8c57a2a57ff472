/**
 * Issue 14, item 2: changing `partitions` is safe. Runs of `tusk-es serve` on one PostgreSQL
 * follow each other under a command load, each with other partition counts for the async
 * projection, the webhook publisher and the saga trigger, and each new one starts while the
 * previous one still runs (a rolling restart). Afterwards the projection's rows equal what the
 * log says and what a rebuild makes (no event skipped, none applied twice), the webhook
 * receiver saw every event, and every saga started once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  firstDeliveries,
  ledgerApp,
  readLog,
  type LedgerPartitions,
} from './ledger.js';

const dir = mkdtempSync(join(tmpdir(), 'tusk-repartition-'));
let url: string;
let hooks: WebhookReceiver;
let endpoint: Endpoint;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  url = await createTestDatabase(inject('pgUrl'));
  hooks = await startReceiver();
  endpoint = await startEndpoint(() => ({ status: 200, body: { ok: true } }));
});
afterAll(async () => {
  for (const s of servers) await s.kill();
  await hooks?.close();
  await endpoint?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts a serve of the ledger app with `partitions`. */
async function serve(partitions: LedgerPartitions): Promise<ServerProcess> {
  const file = `app-${partitions.projection}-${partitions.webhooks}-${partitions.saga}.tsk`;
  writeFileSync(join(dir, file), ledgerApp(url, hooks.url, endpoint.url, partitions));
  const server = await startServer(file, { cwd: dir });
  servers.push(server);
  return server;
}

/** The projection's partition count as the database records it, seen through GET /projections. */
async function projectionPartitions(server: ServerProcess): Promise<number> {
  const list = (await api(server.url, 'GET', '/projections')).body.projections as { name: string; partitions: unknown[] }[];
  return list.find((p) => p.name === 'balances')!.partitions.length;
}

describe('changing the partition count', () => {
  it(
    'between runs of serve under load, each started beside the last: rows equal a rebuild, every event delivered, every saga started once',
    { timeout: 600_000 },
    async () => {
      const runs: LedgerPartitions[] = [
        { projection: 1, webhooks: 1, saga: 1 },
        { projection: 4, webhooks: 2, saga: 2 },
        { projection: 2, webhooks: 3, saga: 1 },
      ];
      let current = await serve(runs[0]!);
      let acked = 0;
      for (const next of runs.slice(1)) {
        const successor = await serve(next);
        // the load goes to both while the new one changes the partition count under it
        const load = startCommandLoad([current.url, successor.url], { workers: 4, prefix: `r${next.projection}-` });
        await waitUntil('40 commands acknowledged beside the new count', () => load.acked().length >= 40, { timeoutMs: 120_000 });
        await current.stop();
        const atStop = load.acked().length;
        await waitUntil('40 more commands acknowledged by the new run alone', () => load.acked().length >= atStop + 40, {
          timeoutMs: 120_000,
        });
        await load.stop();
        expect(load.failed()).toEqual([]);
        acked += load.acked().length;
        current = successor;
        expect(await projectionPartitions(current)).toBe(next.projection);
      }

      const log = await readLog(current.url);
      const accounts = log.filter((e) => e.aggregate_type === 'account' && e.type !== 'Confirmed');
      expect(accounts.length).toBe(acked);

      // the projection: what the log says, and what a rebuild makes
      await expectBalancesEqualRebuild(expectedBalances(log), current.url);

      // the webhooks: every account event of the log at least once
      await firstDeliveries(hooks, new Set(accounts.map((e) => e.id)));

      // the sagas: one per account opened, each completed (started once: its id derives from the event)
      await expectSagasCompleted(
        current.url,
        accounts.filter((e) => e.type === 'Opened'),
      );
    },
  );
});
