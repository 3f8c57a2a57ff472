/**
 * What the fleet tests read back through the API of a `serve` running the load's account app
 * (test/support/commandLoad.ts) with its `balances` projection: the whole log, the rows, and
 * the rows the log says the projection must hold.
 */
import { expect } from 'vitest';
import type { EventJson } from '../../src/engine/toEventJson.js';
import { api } from '../sagas/helpers.js';
import { LOAD_AGGREGATE } from '../support/commandLoad.js';

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
