/**
 * What the fleet tests read back through the API of a `serve` running the load's account app
 * (test/support/commandLoad.ts) with its `balances` projection: the whole log, the rows, and
 * the rows the log says the projection must hold; and the checks they share after the load
 * (sagas done once, webhooks delivered, the projection equal to a rebuild).
 */
import { expect } from 'vitest';
import type { EventJson } from '../../src/engine/toEventJson.js';
import { sagaIdForEvent } from '../../src/sagas/sagaIds.js';
import type { WebhookReceiver } from '../publishers/webhookReceiver.js';
import { api } from '../sagas/helpers.js';
import { LOAD_AGGREGATE } from '../support/commandLoad.js';
import { waitUntil } from '../support/processes.js';

/** Partition counts of the app's three consumers. */
export interface LedgerPartitions {
  projection: number;
  webhooks: number;
  saga: number;
}

/**
 * The fleet tests' app on PostgreSQL `url`: the load's accounts, the async `balances`
 * projection, a webhook publisher to `hook` and the `onboarding` saga (a call to `notify`, then
 * Confirm), with short lease and poll times.
 */
export const ledgerApp = (
  url: string,
  hook: string,
  notify: string,
  partitions: LedgerPartitions = { projection: 1, webhooks: 1, saga: 1 },
) => `
event_store = { type = "postgresql", connection = "${url}", pool_size = 4 }
projection_defaults = { poll_interval = "100ms", lease_ttl = "3s" }
aggregates = {${LOAD_AGGREGATE}
}
projections = {
    balances = {
        table = "balances"
        mode = "async"
        partitions = ${partitions.projection}
        events = ["Opened", "Deposited"]
        mapping = {
            Opened = { action = "upsert", fields = { total = "0", deposits = "0" } }
            Deposited = { action = "upsert", fields = { total = "COALESCE(total, 0) + data.amount", deposits = "COALESCE(deposits, 0) + 1" } }
        }
    }
}
publishers = {
    webhooks = { endpoints = ["${hook}"], partitions = ${partitions.webhooks}, retry_policy = { max_retries = 1000, initial_delay = "100ms", max_delay = "1s" } }
}
saga_config = {
    onboarding = {
        starts_on = "Opened"
        partitions = ${partitions.saga}
        steps = [
            { name = "notify", call = { url = "${notify}/notify", body = { account = "aggregate_id" } } },
            { name = "confirm", command = "Confirm" }
        ]
    }
}
`;

/** The lease_ttl of ledgerApp. */
export const LEDGER_LEASE_TTL_MS = 3_000;

/** Rows of the balances projection by account id. */
export type Balances = Record<string, { total: number; deposits: number }>;

/** The whole global log, through the API. */
export async function readLog(base: string): Promise<EventJson[]> {
  const events: EventJson[] = [];
  for (let after = 0; ; ) {
    const page = await api(base, 'GET', `/events?after=${after}&limit=1000`);
    expect(page.status).toBe(200);
    events.push(...(page.body.events as EventJson[]));
    if (page.body.events.length === 0) return events;
    after = page.body.next_after as number;
  }
}

/** What the balances projection must hold, folded from the log. */
export function expectedBalances(log: readonly EventJson[]): Balances {
  const rows: Balances = {};
  for (const e of log) {
    if (e.type === 'Opened') rows[e.aggregate_id] = { total: 0, deposits: 0 };
    if (e.type === 'Deposited') {
      const row = rows[e.aggregate_id]!;
      row.total += (e.data as { amount: number }).amount;
      row.deposits += 1;
    }
  }
  return sorted(rows);
}

/** The projection's rows by account id, in id order (paged through the API). */
export async function balances(base: string): Promise<Balances> {
  const rows: Balances = {};
  for (let offset = 0; ; offset += 1000) {
    const res = await api(base, 'GET', `/projections/balances?limit=1000&offset=${offset}&order=id`);
    expect(res.status).toBe(200);
    for (const r of res.body.rows as { id: string; total: number; deposits: number }[])
      rows[r.id] = { total: Number(r.total), deposits: Number(r.deposits) };
    if (res.body.rows.length < 1000) return sorted(rows);
  }
}

/** `rows` with its keys in sorted order, so two of them compare as JSON. */
export const sorted = (rows: Balances): Balances => Object.fromEntries(Object.entries(rows).sort(([x], [y]) => (x < y ? -1 : 1)));

/**
 * Waits until the `onboarding` saga of every `opened` event has completed (its id derives from
 * the event, so each started once), then expects one Confirmed per account opened in the log,
 * which it returns.
 */
export async function expectSagasCompleted(base: string, opened: readonly EventJson[]): Promise<EventJson[]> {
  for (const e of opened) {
    await waitUntil(
      `saga of ${e.aggregate_id}`,
      async () => (await api(base, 'GET', `/sagas/onboarding/${sagaIdForEvent('onboarding', e)}`)).body?.status === 'completed',
      { timeoutMs: 120_000 },
    );
  }
  const log = await readLog(base);
  const confirmed = log.filter((e) => e.type === 'Confirmed').map((e) => e.aggregate_id);
  expect(confirmed.sort()).toEqual(opened.map((e) => e.aggregate_id).sort());
  return log;
}

/** Waits until `hooks` accepted every event whose id is in `wanted`; returns each accepted event's first arrival, in arrival order. */
export async function firstDeliveries(hooks: WebhookReceiver, wanted: ReadonlySet<string>): Promise<EventJson[]> {
  const seen = () => new Set(hooks.accepted().map((e) => e.id));
  await waitUntil(
    'the webhook receiver to see every event',
    () => {
      const ids = seen();
      return [...wanted].every((id) => ids.has(id));
    },
    { timeoutMs: 120_000 },
  );
  return [...new Map(hooks.accepted().map((e) => [e.id, e] as const)).values()];
}

/** Expects each aggregate's events in version order (a webhook publisher delivers in order per stream). */
export function expectVersionOrder(events: readonly EventJson[]): void {
  const perAggregate = new Map<string, number[]>();
  for (const e of events) perAggregate.set(e.aggregate_id, [...(perAggregate.get(e.aggregate_id) ?? []), e.version]);
  for (const [id, list] of perAggregate) expect(list, `webhook order of ${id}`).toEqual([...list].sort((x, y) => x - y));
}

/**
 * Waits until the balances projection read at `readAt` holds `expected` (what the log says),
 * then rebuilds it at `rebuildAt` and expects the same rows; returns them.
 */
export async function expectBalancesEqualRebuild(expected: Balances, readAt: string, rebuildAt = readAt): Promise<Balances> {
  let rows: Balances = {};
  await waitUntil(
    'the async projection to catch up',
    async () => JSON.stringify((rows = await balances(readAt))) === JSON.stringify(expected),
    { timeoutMs: 120_000 },
  ).catch(() => undefined);
  expect(rows).toEqual(expected);
  const rebuilt = await api(rebuildAt, 'POST', '/projections/balances/rebuild?wait=true');
  expect(rebuilt.status).toBe(200);
  expect(await balances(rebuildAt)).toEqual(rows);
  return rows;
}
