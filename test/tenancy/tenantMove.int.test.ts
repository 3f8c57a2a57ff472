/**
 * Issue 20 acceptance 3: a tenant moved between two shards (two real PostgreSQL servers, tenancy
 * mode "database") under concurrent command load loses nothing and duplicates nothing, and its
 * projections and sagas go on. The default app (users, products, orders and the order saga;
 * the order projection async) runs for two tenants; four clients of tenant `mover` create
 * orders (each starts a saga that reserves stock and confirms the order) and rename users while
 * `POST /tenants/{mover}/move` copies it from s1 to s2, pauses it, switches and resumes. Then:
 * the log on s2 holds every event the source held, at the same positions, plus what came after,
 * each event once and positions strictly increasing; every acknowledged command's events are in
 * it at the positions its answer gave; every order the load created is confirmed by its saga
 * and is one row of the order projection; a command after the move updates the projection and
 * drives the saga on the new shard; the other tenant is not touched.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { shardRouterOf } from '../../src/tenancy/shards/shardRouter.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { modelOf } from '../projections/helpers.js';
import { createTestDatabase, startPostgres, type PostgresServer } from '../support/postgres.js';
import { createProducts, expectLedger, logOf, startMoveLoad, type TenantCall } from './moveLedger.js';
import { shopApp, tenantToken } from './tenantHelpers.js';

const SECRET = 'the-tenant-move-test-secret-of-32-characters';
const OPERATOR = 'tenant-move-operator-token';
const run = randomUUID().slice(0, 6);
const MOVER = `mover-${run}`;
const STAY = `stay-${run}`;
const CLIENTS = 4;
const POLL = { timeout: 120_000, interval: 250 };

let own: PostgresServer;
let shared: string;
let t: TestApp;
const operator = { authorization: `Bearer ${OPERATOR}` };
const as = async (tenant: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  t.api(method, path, body, { authorization: `Bearer ${await tenantToken(SECRET, tenant)}`, ...headers });

beforeAll(async () => {
  own = await startPostgres();
  shared = inject('pgUrl');
  const control = await createTestDatabase(shared);
  const tenancy = `{ mode = "database", control = "${control}", shards = [ { name = "s1", connection = "${own.url}" }, { name = "s2", connection = "${shared}" } ] }`;
  const app = shopApp(`event_store = { type = "postgresql", connection = "${control}", pool_size = 4, tenancy = ${tenancy} }`, SECRET, [
    OPERATOR,
  ]);
  t = await startTestApp(await modelOf(app));
}, 180_000);
afterAll(async () => {
  await t?.close();
  await own?.stop();
}, 60_000);

describe('moving a tenant between shards under load', () => {
  it('loses and duplicates nothing, keeps positions consistent, and its projections and sagas go on', async () => {
    expect((await t.api('POST', '/tenants', { id: MOVER }, operator)).body.shard).toBe('s1');
    expect((await t.api('POST', '/tenants', { id: STAY }, operator)).body.shard).toBe('s2');
    for (const tenant of [MOVER, STAY]) await createProducts((...args) => as(tenant, ...args), CLIENTS);

    // The load: each client creates orders (a saga each) and renames a user of its own.
    const load = startMoveLoad(
      Array.from(
        { length: CLIENTS },
        () =>
          (...args: Parameters<TenantCall>) =>
            as(MOVER, ...args),
      ),
    );
    await expect.poll(() => load.sent(), POLL).toBeGreaterThan(40);

    const router = shardRouterOf(t.started.runtime)!;
    const location = (await router.map.get(MOVER))!.location;
    const moved = await t.api('POST', `/tenants/${MOVER}/move`, { to: 's2' }, operator);
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ tenant: MOVER, from: 's1', to: 's2' });
    const atSwitch = load.sent();
    // the load goes on at the new place
    await expect.poll(() => load.sent(), POLL).toBeGreaterThan(atSwitch + 40);
    await load.stop();
    expect(load.failures.map((f) => [f.status, f.body?.error?.code])).toEqual([]);
    expect((await router.map.get(MOVER))!).toMatchObject({ shard: 's2', state: 'active' });

    // A command after the move: the order projection gets its row and the saga confirms it.
    const after = await as(MOVER, 'POST', '/aggregates/order/o-after/commands/CreateOrder', {
      customer_id: 'someone',
      product_id: 'p0',
      quantity: 2,
      unit_price: 3,
    });
    expect(after.status).toBe(200);
    load.orders.push('o-after');
    for (const e of after.body.events as { id: string; position: number }[]) load.acknowledged.push(e);
    // every order of the load, those whose saga was in flight at the switch included, is confirmed once
    for (const order of load.orders)
      await expect
        .poll(async () => (await as(MOVER, 'GET', `/projections/order_projection/${order}`)).body?.status, POLL)
        .toBe('confirmed');
    const listed = await as(MOVER, 'GET', '/projections/order_projection?limit=1000');
    expect(listed.body.rows.length).toBe(load.orders.length);

    // The logs: the source's is a prefix of the target's, event for event; nothing twice; positions increase.
    expectLedger(await logOf(own.url, location), await logOf(shared, location), load);

    // The other tenant was not touched, and works.
    expect((await as(STAY, 'GET', '/aggregates/product/p0')).body.state.stock).toBe(1_000_000);
  }, 400_000); // the load before and after the move and every saga (polls of up to 120 s each)
});
