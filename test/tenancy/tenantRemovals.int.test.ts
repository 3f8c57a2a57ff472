/**
 * Removals of streams under conjoined tenancy (issue 16 item 2 with issue 20), on a real
 * PostgreSQL as an app role (row-level security on): two tenants hold streams of the same ids.
 * A tenant's hard delete and truncation (queued over HTTP, carried out by the background job)
 * and the retention job touch only that tenant's events, snapshots and read-model rows; the
 * other tenant's streams fold as before; a tenant sees only its own removals.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { eventually, modelOf } from '../projections/helpers.js';
import { createAppDatabase } from '../support/postgres.js';
import { asSystem as asSystemOn, tenantToken } from './tenantHelpers.js';

const SECRET = 'the-tenant-removals-test-secret-of-32-chars';

const account = (retention: string) => `{
        state = { balance = 0, deposits = 0 }
        ${retention}
        commands = {
            Open = { creates = true, input = {}, emits = "Opened" }
            Deposit = { input = { amount = "number" }, emits = "Deposited" }
        }
        apply = { Deposited = { balance = "balance + data.amount", deposits = "deposits + 1" } }
    }`;

const app = (url: string) => `
server = { auth = { tokens = ["operator-token"], jwt = { secret = "${SECRET}", tenant_claim = "tenant" } } }
event_store = { type = "postgresql", connection = "${url}", schema = "rm", tenancy = { mode = "conjoined" } }
projection_defaults = { poll_interval = "50ms" }
aggregates = {
    account = ${account('')}
    ledger = ${account('retention = { max_count = 4, check_every = "200ms" }')}
}
projections = {
    balances = {
        table = "balances"
        events = ["Opened", "Deposited"]
        on_stream_deleted = "delete"
        on_snapshot = { action = "upsert", fields = { balance = "data.state.balance" } }
        mapping = {
            Opened = { action = "insert", fields = { balance = "0" } }
            Deposited = { action = "update", fields = { balance = "balance + data.amount" } }
        }
    }
}
`;

let url: string;
let server: TestApp;
const as = async (tenant: string) => ({ authorization: `Bearer ${await tenantToken(SECRET, tenant)}` });
const api = async (tenant: string, method: string, path: string, body?: unknown) => server.api(method, path, body, await as(tenant));
const asSystem = <R>(sql: string, params: unknown[] = []) => asSystemOn<R>(url, sql, params);

/** Opens `type/id` of `tenant` and deposits `amounts`. */
async function openWith(tenant: string, type: string, id: string, amounts: number[]): Promise<void> {
  expect((await api(tenant, 'POST', `/aggregates/${type}/${id}/commands/Open`, {})).status).toBe(200);
  for (const amount of amounts)
    expect((await api(tenant, 'POST', `/aggregates/${type}/${id}/commands/Deposit`, { amount })).status).toBe(200);
}

/** Every row of the tenant tables that names `tenant`'s stream, as [table, version or key]. */
async function rowsOf(tenant: string, type: string, id: string) {
  const events = await asSystem<{ version: number; type: string }>(
    `SELECT version, type FROM rm.events WHERE tenant_id = $1 AND stream_type = $2 AND stream_id = $3 ORDER BY version`,
    [tenant, type, id],
  );
  const snapshots = await asSystem<{ version: number }>(
    `SELECT version FROM rm.snapshots WHERE tenant_id = $1 AND stream_type = $2 AND stream_id = $3`,
    [tenant, type, id],
  );
  const balances = await asSystem<{ balance: string }>(`SELECT balance::text FROM rm.balances WHERE tenant_id = $1 AND id = $2`, [
    tenant,
    id,
  ]);
  return { events: events.map((e) => [e.version, e.type]), snapshots: snapshots.length, balances: balances.map((b) => Number(b.balance)) };
}

/** Waits until `tenant`'s removal at `location` is done; returns it. */
const done = (tenant: string, location: string) =>
  eventually(
    async () => (await api(tenant, 'GET', location)).body as Record<string, unknown>,
    (r) => r.status === 'done' || r.status === 'failed',
    `removal ${location} of ${tenant} finishes`,
    90_000,
  );

beforeAll(async () => {
  url = await createAppDatabase(inject('pgUrl'));
  server = await startTestApp(await modelOf(app(url)));
});
afterAll(async () => {
  await server?.close();
});

describe('removals under conjoined tenancy', () => {
  it(
    'a tenant hard-deletes and truncates its own streams only; another tenant with the same ids keeps everything',
    { timeout: 180_000 },
    async () => {
      for (const tenant of ['t-a', 't-b']) {
        await openWith(tenant, 'account', 'x', [1, 2, 3]);
        await openWith(tenant, 'account', 'y', [10, 20, 30, 40]);
      }
      const bBefore = { x: await rowsOf('t-b', 'account', 'x'), y: await rowsOf('t-b', 'account', 'y') };
      expect(bBefore.x.events).toHaveLength(4);
      expect(bBefore.x.balances).toEqual([6]);

      const hard = await api('t-a', 'DELETE', '/aggregates/account/x?hard=true');
      expect(hard.status).toBe(202);
      expect(await done('t-a', hard.headers.get('location')!)).toMatchObject({ status: 'done', error: null });
      const cut = await api('t-a', 'POST', '/aggregates/account/y/truncate?before=4');
      expect(cut.status).toBe(202);
      expect(await done('t-a', cut.headers.get('location')!)).toMatchObject({ status: 'done', error: null });

      // a's x is gone, events, snapshot and row; a's y starts at its closing snapshot and folds the same
      expect(await rowsOf('t-a', 'account', 'x')).toEqual({ events: [], snapshots: 0, balances: [] });
      expect((await rowsOf('t-a', 'account', 'y')).events).toEqual([
        [3, '$snapshot'],
        [4, 'Deposited'],
        [5, 'Deposited'],
      ]);
      expect((await api('t-a', 'GET', '/aggregates/account/y')).body).toMatchObject({ state: { balance: 100, deposits: 4 } });
      // b's streams of the same ids are untouched, and still fold
      expect({ x: await rowsOf('t-b', 'account', 'x'), y: await rowsOf('t-b', 'account', 'y') }).toEqual(bBefore);
      expect((await api('t-b', 'GET', '/aggregates/account/x')).body).toMatchObject({ version: 4, state: { balance: 6 } });
      expect((await api('t-b', 'GET', '/aggregates/account/y')).body).toMatchObject({ version: 5, state: { balance: 100 } });

      // each tenant sees its own removals only
      const listed = async (tenant: string) =>
        ((await api(tenant, 'GET', '/removals')).body as { removals: { aggregate_id: string }[] }).removals.map((r) => r.aggregate_id);
      expect((await listed('t-a')).sort()).toEqual(['x', 'y']);
      expect(await listed('t-b')).toEqual([]);
      expect((await api('t-b', 'GET', hard.headers.get('location')!)).status).toBe(404);
    },
  );

  it('retention truncates each tenant’s streams by that tenant’s own events', { timeout: 180_000 }, async () => {
    // same id in both tenants: a's ledger has 7 events, b's 3 (under max_count = 4)
    await openWith('t-a', 'ledger', 'l', [1, 2, 3, 4, 5, 6]);
    await openWith('t-b', 'ledger', 'l', [7, 8]);
    const bBefore = await rowsOf('t-b', 'ledger', 'l');
    const aTruncated = await eventually(
      () => rowsOf('t-a', 'ledger', 'l'),
      (r) => r.events.length === 4,
      "retention cuts a's ledger to 4 events",
      90_000,
    );
    expect(aTruncated.events).toEqual([
      [4, '$snapshot'],
      [5, 'Deposited'],
      [6, 'Deposited'],
      [7, 'Deposited'],
    ]);
    expect((await api('t-a', 'GET', '/aggregates/ledger/l')).body).toMatchObject({ version: 7, state: { balance: 21, deposits: 6 } });
    // b's ledger was not counted with a's: untouched
    expect(await rowsOf('t-b', 'ledger', 'l')).toEqual(bBefore);
    expect((await api('t-b', 'GET', '/aggregates/ledger/l')).body).toMatchObject({ version: 3, state: { balance: 15 } });
  });
});
