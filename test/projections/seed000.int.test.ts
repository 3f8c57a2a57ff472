/**
 * Issue 4, acceptance 1: seed 000's projection_config, verbatim, in an app whose commands emit
 * its events, keeps its tables right through a create/update/delete sequence, read over HTTP
 * from a started server on PostgreSQL. Also the seed's `order_projection` with its join.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../support/postgres.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { SEED_AGGREGATES, SEED_PROJECTIONS, modelOf } from './helpers.js';

let app: TestApp;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

beforeAll(async () => {
  const url = await createTestDatabase(inject('pgUrl'));
  app = await startTestApp(
    await modelOf(`event_store = { type = "postgresql", connection = "${url}" }\n${SEED_AGGREGATES}\n${SEED_PROJECTIONS}`),
  );
});
afterAll(() => app?.close());

const command = async (path: string, body: unknown = {}) => {
  const r = await app.api('POST', path, body);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { events: { timestamp: string }[] };
};

describe('seed 000 user_projection, as written', () => {
  it('inserts on UserCreated, updates on UserUpdated (COALESCE keeps what the event leaves out), marks UserDeleted', async () => {
    const created = await command('/aggregates/user/u1/commands/CreateUser', { email: 'ann@example.com', username: 'ann' });
    await command('/aggregates/user/u2/commands/CreateUser', { email: 'bob@example.com', username: 'bob' });
    const t1 = created.events[0]!.timestamp;
    expect((await app.api('GET', '/projections/user_projection/u1')).body).toEqual({
      id: 'u1',
      email: 'ann@example.com',
      username: 'ann',
      status: 'active',
      created_at: t1,
      updated_at: null,
      deleted_at: null,
    });

    const updated = await command('/aggregates/user/u1/commands/UpdateUser', { username: 'annie' });
    const row = (await app.api('GET', '/projections/user_projection/u1')).body;
    expect(row).toMatchObject({
      email: 'ann@example.com',
      username: 'annie',
      status: 'active',
      created_at: t1,
      updated_at: updated.events[0]!.timestamp,
    });
    await command('/aggregates/user/u1/commands/UpdateUser', { email: 'ann@new.example' });
    expect((await app.api('GET', '/projections/user_projection/u1')).body).toMatchObject({ email: 'ann@new.example', username: 'annie' });

    const deleted = await command('/aggregates/user/u1/commands/DeleteUser');
    const gone = (await app.api('GET', '/projections/user_projection/u1')).body;
    expect(gone).toMatchObject({ status: 'deleted', deleted_at: deleted.events[0]!.timestamp, email: 'ann@new.example' });
    expect(gone.deleted_at).toMatch(ISO);

    // the other user was never touched
    expect((await app.api('GET', '/projections/user_projection/u2')).body).toMatchObject({
      username: 'bob',
      status: 'active',
      updated_at: null,
    });
    const page = await app.api('GET', '/projections/user_projection?status=active');
    expect(page).toMatchObject({ status: 200, body: { limit: 100, offset: 0 } });
    expect(page.body.rows.map((r: { id: string }) => r.id)).toEqual(['u2']);
  });

  it('order_projection upserts the data of its unmapped events and keeps order_items as a child table', async () => {
    await command('/aggregates/order/o1/commands/CreateOrder', { customer_id: 'c1', total: 12.5 });
    await command('/aggregates/order/o1/commands/AddItem', { product_id: 'p1', quantity: 2, unit_price: 2.5 });
    await command('/aggregates/order/o1/commands/AddItem', { product_id: 'p2', quantity: 1, unit_price: 7.5 });
    await command('/aggregates/order/o1/commands/Ship');
    const order = (await app.api('GET', '/projections/order_projection/o1')).body;
    expect(order).toMatchObject({ id: 'o1', customer_id: 'c1', total: 12.5, status: 'shipped', reason: null });
    expect(order.shipped_at).toMatch(ISO);
    expect(order.order_items.map((i: Record<string, unknown>) => [i.order_id, i.product_id, i.quantity, i.unit_price])).toEqual([
      ['o1', 'p1', 2, 2.5],
      ['o1', 'p2', 1, 7.5],
    ]);
    // a later event with fewer fields keeps the others
    await command('/aggregates/order/o1/commands/Cancel', { reason: 'late' });
    expect((await app.api('GET', '/projections/order_projection/o1')).body).toMatchObject({
      customer_id: 'c1',
      total: 12.5,
      status: 'cancelled',
      reason: 'late',
    });
  });

  it('answers 404 for an unknown projection and an unknown row', async () => {
    expect(await app.api('GET', '/projections/nope')).toMatchObject({ status: 404, body: { error: { code: 'UNKNOWN_PROJECTION' } } });
    expect(await app.api('GET', '/projections/user_projection/nobody')).toMatchObject({
      status: 404,
      body: { error: { code: 'ROW_NOT_FOUND' } },
    });
  });
});
