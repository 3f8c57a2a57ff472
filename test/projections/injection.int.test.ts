/**
 * Issue 4, acceptance 5: values such as `'; DROP TABLE users; --` and names with quotes
 * (projection, table, join and column names containing `"` and `'`) are stored verbatim and
 * never executed — through commands, queries with filters and order, and a rebuild — on
 * PostgreSQL, where a decoy `users` table must survive it all.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../support/postgres.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { modelOf } from './helpers.js';

const TABLE = 'users"; DROP TABLE users; --';
const CHILD = "tags'); DROP TABLE users; --";
const NAME = 'proj"x';
const HOSTILE = ["'; DROP TABLE users; --", 'Robert"); DROP TABLE "events"; --', '$1 $$ \\ %s', "'' OR 1=1"];

const app = (url: string) => `
event_store = { type = "postgresql", connection = "${url}" }
aggregates = {
    person = {
        commands = {
            Register = { creates = true, input = { email = "string", name = "string" }, emits = "Registered" }
            Rename = { input = { name = "string" }, emits = "Renamed" }
            Tag = { input = { tag = "string" }, emits = "Tagged" }
        }
    }
}
projections = {
    "proj\\"x" = {
        table = "users\\"; DROP TABLE users; --"
        events = ["Registered", "Renamed"]
        columns = { id = "text primary key", "e\\"mail" = "text", "na'me" = "text", "select" = "text" }
        mapping = {
            Registered = { action = "insert", fields = { id = "aggregate_id", "e\\"mail" = "data.email", "na'me" = "data.name", "select" = "'''; DROP TABLE users; --'" } }
            Renamed = { action = "update", where = "id = aggregate_id", fields = { "na'me" = "CONCAT(data.name, '''')" } }
        }
        joins = {
            "ta\\"gs" = { table = "tags'); DROP TABLE users; --", foreign_key = "per\\"son", events = ["Tagged"] }
        }
    }
}
`;

let server: TestApp;
let db: pg.Client;

beforeAll(async () => {
  const url = await createTestDatabase(inject('pgUrl'));
  db = new pg.Client({ connectionString: url });
  await db.connect();
  await db.query('CREATE TABLE users (id int); INSERT INTO users VALUES (1)');
  server = await startTestApp(await modelOf(app(url)));
});
afterAll(async () => {
  await server?.close();
  await db?.end();
});

const path = (key?: string) => `/projections/${encodeURIComponent(NAME)}${key === undefined ? '' : `/${encodeURIComponent(key)}`}`;

async function decoyIntact(): Promise<void> {
  expect((await db.query('SELECT id FROM users')).rows).toEqual([{ id: 1 }]);
  expect((await db.query('SELECT count(*)::int AS n FROM events')).rows[0].n).toBeGreaterThan(0);
}

describe('hostile values and names', () => {
  it('are stored verbatim by commands and read back over HTTP', async () => {
    for (const [i, value] of HOSTILE.entries()) {
      const id = `${value}#${i}`;
      const r = await server.api('POST', `/aggregates/person/${encodeURIComponent(id)}/commands/Register`, { email: value, name: value });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect((await server.api('POST', `/aggregates/person/${encodeURIComponent(id)}/commands/Rename`, { name: value })).status).toBe(200);
      expect((await server.api('POST', `/aggregates/person/${encodeURIComponent(id)}/commands/Tag`, { tag: value })).status).toBe(200);
      const row = await server.api('GET', path(id));
      expect(row.status).toBe(200);
      expect(row.body).toMatchObject({ id, 'e"mail': value, "na'me": `${value}'`, select: "'; DROP TABLE users; --" });
      expect(row.body['ta"gs']).toEqual([expect.objectContaining({ 'per"son': id, tag: value })]);
    }
    await decoyIntact();
    // the tables have exactly the names the config gives
    const tables = (await db.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)).rows.map(
      (r) => r.tablename,
    );
    expect(tables).toEqual(expect.arrayContaining([TABLE, CHILD, 'users']));
    const stored = await db.query(`SELECT "e""mail" AS email FROM "${TABLE.replace(/"/g, '""')}" ORDER BY id`);
    expect(stored.rows.map((r) => r.email).sort()).toEqual([...HOSTILE].sort());
  });

  it('filter and order by quoted column names with hostile values; an unknown column is a 400', async () => {
    const value = HOSTILE[0]!;
    const page = await server.api(
      'GET',
      `${path()}?${encodeURIComponent("na'me")}=${encodeURIComponent(`${value}'`)}&order=${encodeURIComponent('-e"mail')}`,
    );
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(page.body.rows.map((r: Record<string, string>) => r['e"mail'])).toEqual([value]);
    const bad = await server.api('GET', `${path()}?order=${encodeURIComponent('id; DROP TABLE users; --')}`);
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    const badFilter = await server.api('GET', `${path()}?${encodeURIComponent('"; DROP TABLE users; --')}=1`);
    expect(badFilter).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    await decoyIntact();
  });

  it('survive a rebuild, which writes the same rows', async () => {
    const before = (await server.api('GET', `${path()}?limit=1000`)).body.rows;
    const r = await server.api('POST', `${path()}/rebuild?wait=true`);
    expect(r, JSON.stringify(r.body)).toMatchObject({ status: 200, body: { status: 'completed', events: HOSTILE.length * 3 } });
    expect((await server.api('GET', `${path()}?limit=1000`)).body.rows).toEqual(before);
    await decoyIntact();
  });
});
