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
import { startTestApp, type ApiResponse, type TestApp } from '../http/helpers.js';
import { modelOf } from '../projections/helpers.js';
import { createTestDatabase, queryOnce, startPostgres, type PostgresServer } from '../support/postgres.js';
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

interface LoggedEvent {
  position: string;
  id: string;
  stream_type: string;
  stream_id: string;
  version: number;
  type: string;
  data: unknown;
}

/** The whole log of the tenant's database `location` on the server at `serverUrl`, in position order. */
async function logOf(serverUrl: string, location: string): Promise<LoggedEvent[]> {
  const url = new URL(serverUrl);
  url.pathname = `/${location}`;
  return queryOnce<LoggedEvent>(
    url.toString(),
    'SELECT position::text, id::text, stream_type, stream_id, version, type, data FROM events ORDER BY events.position',
  );
}

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
    for (const tenant of [MOVER, STAY])
      for (let c = 0; c < CLIENTS; c++) {
        const product = await as(tenant, 'POST', `/aggregates/product/p${c}/commands/CreateProduct`, {
          sku: `SKU-${c}`,
          name: 'thing',
          price: 3,
          stock: 1_000_000,
        });
        expect(product.status, JSON.stringify(product.body)).toBe(200);
      }

    // The load: each client creates orders (a saga each) and renames a user of its own.
    const acknowledged: { id: string; position: number }[] = [];
    const orders: string[] = [];
    const failures: ApiResponse[] = [];
    let stop = false;
    let sent = 0;
    const client = async (c: number) => {
      const user = await as(MOVER, 'POST', '/aggregates/user/commands/CreateUser', { email: `c${c}@example.com`, name: 'first' });
      expect(user.status).toBe(200);
      for (let i = 0; !stop; i++) {
        const order = `o-${c}-${i}`;
        const res =
          i % 3 === 2
            ? await as(
                MOVER,
                'POST',
                `/aggregates/user/${user.body.aggregate_id}/commands/UpdateUser`,
                { name: `n${i}` },
                { 'idempotency-key': `${c}-${i}` },
              )
            : await as(
                MOVER,
                'POST',
                `/aggregates/order/${order}/commands/CreateOrder`,
                { customer_id: user.body.aggregate_id, product_id: `p${c}`, quantity: 1, unit_price: 3 },
                { 'idempotency-key': `${c}-${i}` },
              );
        sent++;
        if (res.status !== 200) {
          failures.push(res);
          continue;
        }
        if (i % 3 !== 2) orders.push(order);
        for (const e of res.body.events as { id: string; position: number }[]) acknowledged.push({ id: e.id, position: e.position });
      }
    };
    const load = Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
    await expect.poll(() => sent, POLL).toBeGreaterThan(40);

    const router = shardRouterOf(t.started.runtime)!;
    const location = (await router.map.get(MOVER))!.location;
    const moved = await t.api('POST', `/tenants/${MOVER}/move`, { to: 's2' }, operator);
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ tenant: MOVER, from: 's1', to: 's2' });
    const atSwitch = sent;
    // the load goes on at the new place
    await expect.poll(() => sent, POLL).toBeGreaterThan(atSwitch + 40);
    stop = true;
    await load;
    expect(failures.map((f) => [f.status, f.body?.error?.code])).toEqual([]);
    expect((await router.map.get(MOVER))!).toMatchObject({ shard: 's2', state: 'active' });

    // A command after the move: the order projection gets its row and the saga confirms it.
    const after = await as(MOVER, 'POST', '/aggregates/order/o-after/commands/CreateOrder', {
      customer_id: 'someone',
      product_id: 'p0',
      quantity: 2,
      unit_price: 3,
    });
    expect(after.status).toBe(200);
    orders.push('o-after');
    for (const e of after.body.events as { id: string; position: number }[]) acknowledged.push(e);
    // every order of the load, those whose saga was in flight at the switch included, is confirmed once
    for (const order of orders)
      await expect
        .poll(async () => (await as(MOVER, 'GET', `/projections/order_projection/${order}`)).body?.status, POLL)
        .toBe('confirmed');
    const listed = await as(MOVER, 'GET', '/projections/order_projection?limit=1000');
    expect(listed.body.rows.length).toBe(orders.length);

    // The logs: the source's is a prefix of the target's, event for event; nothing twice; positions increase.
    const source = await logOf(own.url, location);
    const target = await logOf(shared, location);
    const differs = source.findIndex((e, i) => JSON.stringify(e) !== JSON.stringify(target[i]));
    expect(
      differs,
      `first difference at ${differs}: ${JSON.stringify([source[differs], target[differs], source.length, target.length])}`,
    ).toBe(-1);
    expect(target.length).toBeGreaterThan(source.length);
    expect(new Set(target.map((e) => e.id)).size).toBe(target.length);
    expect(new Set(target.map((e) => `${e.stream_type}/${e.stream_id}/${e.version}`)).size).toBe(target.length);
    for (let i = 1; i < target.length; i++) expect(Number(target[i]!.position)).toBeGreaterThan(Number(target[i - 1]!.position));
    expect(Number(target[source.length]!.position)).toBeGreaterThan(Number(source[source.length - 1]!.position));
    // every acknowledged event is there, at the position its answer gave
    const byId = new Map(target.map((e) => [e.id, Number(e.position)]));
    expect(acknowledged.filter((e) => byId.get(e.id) !== e.position)).toEqual([]);
    // each saga ran once per order: one reservation per order of the product's stream
    const reservations = target.filter((e) => e.type === 'StockReserved').map((e) => (e.data as { order_id: string }).order_id);
    expect(new Set(reservations).size).toBe(reservations.length);
    expect(new Set(reservations)).toEqual(new Set(orders));

    // The other tenant was not touched, and works.
    expect((await as(STAY, 'GET', '/aggregates/product/p0')).body.state.stock).toBe(1_000_000);
  });
});
