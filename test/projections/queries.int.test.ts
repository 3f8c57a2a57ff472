/**
 * GET /projections/{name} (filters, order, limit, offset) and /projections/{name}/{key} over
 * HTTP on PostgreSQL: values come back as JSON a user expects (numbers, booleans, arrays,
 * ISO-8601 times), and every malformed request is a 400 that names what is wrong.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../support/postgres.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { modelOf } from './helpers.js';

const app = (url: string) => `
event_store = { type = "postgresql", connection = "${url}" }
aggregates = {
    item = {
        commands = {
            Add = {
                creates = true
                input = { name = "string", price = "number", qty = "integer", active = "boolean", tags = "array?", meta = "object?", at = "timestamp" }
                emits = "Added"
            }
        }
    }
}
projections = {
    items = { table = "items", events = ["Added"] }
    counters = {
        table = "counters"
        key = "n"
        columns = { n = "integer primary key", label = "varchar(20)", amount = "numeric(10,2)", ratio = "double precision", day = "date" }
        events = ["Added"]
        mapping = { Added = { action = "upsert", fields = { n = "data.qty", label = "data.name", amount = "data.price", ratio = "data.price / 4", day = "data.at" } } }
    }
}
`;

let server: TestApp;

beforeAll(async () => {
  const url = await createTestDatabase(inject('pgUrl'));
  server = await startTestApp(await modelOf(app(url)));
  for (let i = 0; i < 120; i++) {
    const input = {
      name: `item ${String(i).padStart(3, '0')}`,
      price: (i % 10) + 0.5,
      qty: i,
      active: i % 2 === 0,
      tags: i % 3 === 0 ? ['a', 'b'] : [],
      meta: { i },
      at: `2024-03-${String((i % 28) + 1).padStart(2, '0')}T10:00:00.000Z`,
    };
    const r = await server.api('POST', `/aggregates/item/i${String(i).padStart(3, '0')}/commands/Add`, input);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
});
afterAll(() => server?.close());

const get = (path: string) => server.api('GET', path);

describe('GET /projections/{name}', () => {
  it('pages 100 rows by default in key order, with limit and offset', async () => {
    const first = await get('/projections/items');
    expect(first.body.limit).toBe(100);
    expect(first.body.offset).toBe(0);
    expect(first.body.rows).toHaveLength(100);
    expect(first.body.rows[0].id).toBe('i000');
    const page = await get('/projections/items?limit=5&offset=110');
    expect(page.body.rows.map((r: { id: string }) => r.id)).toEqual(['i110', 'i111', 'i112', 'i113', 'i114']);
    expect(page.body).toMatchObject({ limit: 5, offset: 110 });
  });

  it('returns values as JSON values: numbers, booleans, arrays, objects, ISO-8601 times', async () => {
    const row = (await get('/projections/items/i003')).body;
    expect(row).toEqual({
      id: 'i003',
      name: 'item 003',
      price: 3.5,
      qty: 3,
      active: false,
      tags: ['a', 'b'],
      meta: { i: 3 },
      at: '2024-03-04T10:00:00.000Z',
    });
    expect((await get('/projections/counters/7')).body).toEqual({ n: 7, label: 'item 007', amount: 7.5, ratio: 1.875, day: '2024-03-08' });
  });

  it('filters by equality (repeated: any of the values) and orders by several columns', async () => {
    const cheap = await get('/projections/items?price=0.5&active=true&order=-qty');
    expect((await get('/projections/items?price=1.5&active=true')).body.rows).toEqual([]);
    expect(cheap.body.rows.map((r: { qty: number }) => r.qty)).toEqual([110, 100, 90, 80, 70, 60, 50, 40, 30, 20, 10, 0]);
    const named = await get(`/projections/items?name=${encodeURIComponent('item 005')}&name=${encodeURIComponent('item 007')}`);
    expect(named.body.rows.map((r: { id: string }) => r.id)).toEqual(['i005', 'i007']);
    const sorted = await get('/projections/items?order=-price,qty&limit=3');
    expect(sorted.body.rows.map((r: { id: string }) => r.id)).toEqual(['i009', 'i019', 'i029']);
    const json = await get(`/projections/items?tags=${encodeURIComponent('["a", "b"]')}&limit=1000`);
    expect(json.body.rows).toHaveLength(40);
    const upper = await get('/projections/counters?amount=9.50&order=-n&limit=2');
    expect(upper.body.rows.map((r: { n: number }) => r.n)).toEqual([119, 109]);
  });

  it('answers 400 BAD_REQUEST for an unknown column, a bad order, limit or value; 404 for what does not exist', async () => {
    for (const path of [
      '/projections/items?nope=1',
      '/projections/items?order=nope',
      '/projections/items?order=-',
      '/projections/items?order=qty,-qty',
      '/projections/items?order=id,name,price,qty,active,tags',
      '/projections/items?limit=1001',
      '/projections/items?limit=0',
      '/projections/items?offset=-1',
      '/projections/items?price=cheap',
      '/projections/items?active=maybe',
    ]) {
      const r = await get(path);
      expect({ path, status: r.status, code: r.body.error?.code }).toEqual({ path, status: 400, code: 'BAD_REQUEST' });
    }
    expect((await get('/projections/items?nope=1')).body.error.message).toContain('its columns are id, name, price');
    expect(await get('/projections/counters/abc')).toMatchObject({ status: 404, body: { error: { code: 'ROW_NOT_FOUND' } } });
    expect(await get('/projections/counters/1000')).toMatchObject({ status: 404, body: { error: { code: 'ROW_NOT_FOUND' } } });
    expect(await get('/projections/nope/1')).toMatchObject({ status: 404, body: { error: { code: 'UNKNOWN_PROJECTION' } } });
  });

  it('GET /projections lists every projection with its mode and checkpoint', async () => {
    const list = (await get('/projections')).body.projections;
    expect(list.map((p: { name: string }) => p.name)).toEqual(['items', 'counters']);
    expect(list[0]).toMatchObject({ table: 'items', mode: 'inline', enabled: true, lag: 0, rebuild: { status: 'none' } });
    expect(list[0].checkpoint).toBeGreaterThanOrEqual(120);
  });
});
