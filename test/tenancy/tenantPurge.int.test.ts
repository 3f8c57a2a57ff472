/**
 * Deleting a tenant of a conjoined store purges its data (issue 20 item 3), on a real
 * PostgreSQL as an app role (row-level security on). The default app runs for two tenants:
 * users (a unique email, an Idempotency-Key, the inline user projection), products and orders
 * whose saga reserves stock and confirms the order (saga streams, saga instances, the order
 * projection), snapshots every 2 events. After `DELETE /tenants/{a}`, no table of the store's
 * schema that has a tenant_id column holds a row of tenant a, every count of tenant b is what it
 * was, b's commands and saga go on, and a's tokens are refused. A static operator token (no
 * tenant) works on the registry as the system, and is still refused on a tenant's data.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { eventually, modelOf } from '../projections/helpers.js';
import { createAppDatabase } from '../support/postgres.js';
import { asSystem, conjoinedShop, tenantRowCounts, tenantToken } from './tenantHelpers.js';

const SECRET = 'the-tenant-purge-test-secret-of-32-characters';
const SCHEMA = 'purge';
const OPERATOR = 'the-static-operator-token-of-the-purge-test';

let url: string;
let server: TestApp;

const as = async (tenant: string) => ({ authorization: `Bearer ${await tenantToken(SECRET, tenant)}` });
const command = async (tenant: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  server.api('POST', path, body, { ...(await as(tenant)), ...headers });

/** Creates a user, a product and an order of `tenant` and waits until the order saga confirmed the order. */
async function shop(tenant: string, n: number): Promise<void> {
  const user = await command(
    tenant,
    '/aggregates/user/commands/CreateUser',
    { email: `u${n}@example.com`, name: 'U' },
    {
      'idempotency-key': `user-${n}`,
    },
  );
  expect(user.status).toBe(200);
  expect((await command(tenant, `/aggregates/user/${user.body.aggregate_id}/commands/UpdateUser`, { name: 'V' })).status).toBe(200);
  const product = await command(tenant, `/aggregates/product/p${n}/commands/CreateProduct`, {
    sku: `SKU-${n}`,
    name: 'thing',
    price: 5,
    stock: 10,
  });
  expect(product.status).toBe(200);
  const order = await command(tenant, `/aggregates/order/o${n}/commands/CreateOrder`, {
    customer_id: user.body.aggregate_id,
    product_id: `p${n}`,
    quantity: 2,
    unit_price: 5,
  });
  expect(order.status).toBe(200);
  await eventually(
    () => asSystem<{ status: string }>(url, `SELECT status FROM ${SCHEMA}.orders WHERE id = $1 AND tenant_id = $2`, [`o${n}`, tenant]),
    (rows) => rows[0]?.status === 'confirmed',
    `the saga confirms order o${n} of ${tenant}`,
    90_000,
  );
  // the saga's instance is done once its last step's event is in: wait for it, so no step is in flight
  await eventually(
    () => asSystem<{ status: string }>(url, `SELECT status FROM ${SCHEMA}.saga_instances WHERE tenant_id = $1`, [tenant]),
    (rows) => rows.length > 0 && rows.every((r) => r.status !== 'running'),
    `the sagas of ${tenant} finish`,
    90_000,
  );
}

beforeAll(async () => {
  url = await createAppDatabase(inject('pgUrl'));
  server = await startTestApp(await modelOf(conjoinedShop(url, SCHEMA, SECRET, [OPERATOR])));
}, 120_000);
afterAll(async () => {
  await server?.close();
});

describe('deleting a tenant of a conjoined store', () => {
  it('purges every row of the tenant and leaves the other tenants whole', async () => {
    // the same ids in both tenants: a purge by id instead of by tenant would show
    await shop('gone', 1);
    await shop('kept', 1);
    await shop('kept', 2);
    const gone = await tenantRowCounts(url, SCHEMA, 'gone');
    const kept = await tenantRowCounts(url, SCHEMA, 'kept');
    // what the purge must reach: each kind of row exists for the tenant
    for (const table of ['events', 'snapshots', 'idempotency', 'uniques', 'saga_instances', 'users', 'orders'])
      expect(gone[table], `tenant gone has rows in ${table}`).toBeGreaterThan(0);

    const admin = { authorization: `Bearer ${await tenantToken(SECRET, 'ops', 'admin')}` };
    const deleted = await server.api('DELETE', '/tenants/gone', undefined, admin);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id: 'gone', status: 'deleted' });
    expect(deleted.body.purged.events).toBe(gone.events);
    expect(deleted.body.purged.users).toBe(gone.users);

    const after = await tenantRowCounts(url, SCHEMA, 'gone');
    expect(Object.keys(after).length).toBeGreaterThanOrEqual(Object.keys(gone).length);
    expect(Object.entries(after).filter(([, n]) => n > 0)).toEqual([]);
    expect(await tenantRowCounts(url, SCHEMA, 'kept')).toEqual(kept);

    // the deleted tenant's tokens are refused; the other tenant goes on, saga and projections too
    const refused = await command('gone', '/aggregates/product/p9/commands/CreateProduct', { sku: 'SKU-9', name: 'x', price: 1, stock: 1 });
    expect(refused.body.error.code).toBe('TENANT_DISABLED');
    await shop('kept', 3);
    // and nothing of the deleted tenant came back (a consumer batch read before the purge, say)
    expect(Object.entries(await tenantRowCounts(url, SCHEMA, 'gone')).filter(([, n]) => n > 0)).toEqual([]);

    // a static operator token names no tenant: the registry is the system's (it was 403 TENANT_REQUIRED),
    // a tenant's data is still refused to it
    const operator = { authorization: `Bearer ${OPERATOR}` };
    const listed = await server.api('GET', '/tenants', undefined, operator);
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect(listed.body.tenants).toContainEqual(expect.objectContaining({ id: 'gone', status: 'deleted' }));
    const data = await server.api('GET', '/aggregates/order/o1', undefined, operator);
    expect(data.status).toBe(403);
    expect(data.body.error.code).toBe('TENANT_REQUIRED');

    // deleting again purges again (nothing left) and answers the tombstone
    const again = await server.api('DELETE', '/tenants/gone', undefined, operator);
    expect(again.status).toBe(200);
    expect(again.body.purged.events).toBe(0);
  });
});
