/**
 * Issue 20 acceptance 1: the isolation property. A server with conjoined tenancy on a real
 * PostgreSQL (as an app role: no superuser, no BYPASSRLS) holds the notes of several random
 * tenants, some under the same ids (forged ids), with the same unique value and the same
 * Idempotency-Key. Random requests of random tenants (their own and others' ids, others' event
 * positions and event ids, projection rows and filters, commands to others' streams, the live
 * stream) never answer a byte of another tenant's data: every text a tenant writes carries its
 * canary, and no answer to another tenant holds it. And a direct SQL query under one tenant's
 * `tusk.tenant` setting returns none of another's rows, on every tenant table.
 *
 * The tenant of a request comes from `request.principal.tenant`, here the `tenant` claim of an
 * HS256 JWT the server verifies (`server.auth.jwt`); a static token is a principal without a
 * tenant, which conjoined tenancy refuses.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TENANT_TABLES } from '../../src/store/migrations/schemaMigrations.js';
import { startTestApp, type ApiResponse, type TestApp } from '../http/helpers.js';
import { eventually, modelOf } from '../projections/helpers.js';
import { createAppDatabase } from '../support/postgres.js';

const SECRET = 'the-isolation-test-secret-of-32-characters-or-more';
const STATIC = 'static-token-without-a-tenant';

const app = (url: string) => `
server = { auth = { tokens = ["${STATIC}"], jwt = { secret = "${SECRET}", tenant_claim = "tenant" } } }
event_store = { type = "postgresql", connection = "${url}", schema = "iso", tenancy = { mode = "conjoined" } }
projection_defaults = { poll_interval = "50ms" }
aggregates = {
    note = {
        snapshot_frequency = 2
        state = { text = "", email = "" }
        unique = ["email"]
        commands = {
            CreateNote = { creates = true, input = { text = "string", email = "string" }, emits = "NoteCreated" }
            EditNote = { input = { text = "string" }, emits = "NoteEdited" }
        }
        apply = {
            NoteCreated = { text = "data.text", email = "data.email" }
            NoteEdited = { text = "data.text" }
        }
    }
}
projections = {
    notes = {
        table = "notes"
        events = ["NoteCreated", "NoteEdited"]
        mapping = {
            NoteCreated = { action = "upsert", fields = { id = "aggregate_id", text = "data.text", email = "data.email" } }
            NoteEdited = { action = "upsert", fields = { id = "aggregate_id", text = "data.text" } }
        }
    }
    edits = {
        table = "edits"
        mode = "async"
        events = ["NoteEdited"]
        mapping = {
            NoteEdited = { action = "upsert", fields = { id = "aggregate_id", last = "data.text", n = "COALESCE(n, 0) + 1" } }
        }
    }
}
`;

const tokens = new Map<string, Promise<string>>();

/** A signed token of `tenant` with every scope (the property is about tenants, not scopes). */
function tokenOf(tenant: string): Promise<string> {
  let token = tokens.get(tenant);
  if (token === undefined) {
    token = new SignJWT({ tenant, scope: '*' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(`user-of-${tenant}`)
      .setIssuedAt()
      .setExpirationTime('2h')
      .sign(new TextEncoder().encode(SECRET));
    tokens.set(tenant, token);
  }
  return token;
}

interface Tenant {
  name: string;
  canary: string;
  ids: string[];
  events: number;
}

const SEED = 20_201;
let url: string;
let server: TestApp;
const tenants: Tenant[] = [];
const SHARED = ['shared-1', 'shared-2'];

const as = async (tenant: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  server.api(method, path, body, { authorization: `Bearer ${await tokenOf(tenant)}`, ...headers });

/** Fails when `text` holds the canary of a tenant other than `tenant`. */
function expectOnlyOwn(tenant: Tenant, text: string, what: string): void {
  for (const other of tenants)
    if (other !== tenant) expect(text.includes(other.canary), `${what} holds ${other.name}'s data: ${text.slice(0, 400)}`).toBe(false);
}

beforeAll(async () => {
  url = await createAppDatabase(inject('pgUrl'));
  server = await startTestApp(await modelOf(app(url)));
  // Random tenant names (seeded): three distinct ones.
  const names = new Set<string>();
  for (const name of fc.sample(fc.stringMatching(/^[a-z][a-z0-9]{2,10}$/), { seed: SEED, numRuns: 50 }))
    if (names.size < 3) names.add(name);
  for (const [i, name] of [...names].entries()) {
    const tenant: Tenant = {
      name,
      canary: `cnry${i}${randomUUID().slice(0, 8)}`,
      ids: [...SHARED, `own-${i}-${randomUUID().slice(0, 8)}`],
      events: 0,
    };
    tenants.push(tenant);
    for (const [j, id] of tenant.ids.entries()) {
      // The same email in every tenant: unique values are per tenant.
      const email = j === 0 ? 'same@example.com' : `${tenant.canary}-${j}@example.com`;
      const created = await as(name, 'POST', `/aggregates/note/${id}/commands/CreateNote`, { text: `${tenant.canary} created`, email });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      // The same Idempotency-Key in every tenant: each gets its own command's answer, never another tenant's.
      const edited = await as(
        name,
        'POST',
        `/aggregates/note/${id}/commands/EditNote`,
        { text: `${tenant.canary} edit ${j}` },
        { 'idempotency-key': `key-${j}` },
      );
      expect(edited.status, JSON.stringify(edited.body)).toBe(200);
      expectOnlyOwn(tenant, JSON.stringify(edited.body), 'an idempotent command');
      await as(name, 'POST', `/aggregates/note/${id}/commands/EditNote`, { text: `${tenant.canary} edit again` });
      tenant.events += 3;
    }
  }
  // The async projection has caught up with every tenant (its worker follows the whole log, tenant by tenant).
  for (const tenant of tenants)
    await eventually(
      () => as(tenant.name, 'GET', '/projections/edits'),
      (r) => r.status === 200 && (r.body as { rows: unknown[] }).rows.length === tenant.ids.length,
      `edits of ${tenant.name}`,
      60_000,
    );
}, 180_000);

afterAll(async () => {
  await server?.close();
});

/** Every event of the log (as the system sees it): positions and ids of every tenant, to forge requests with. */
async function allEvents(): Promise<{ position: number; id: string }[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('tusk.tenant', '*', true)`);
    const { rows } = await client.query<{ position: string; id: string }>(`SELECT position, id FROM iso.events ORDER BY position`);
    await client.query('COMMIT');
    return rows.map((r) => ({ position: Number(r.position), id: r.id }));
  } finally {
    await client.end();
  }
}

describe('conjoined tenancy: isolation', () => {
  it('never answers a request of one tenant with a byte of another tenant, whatever ids, positions and filters it names', async () => {
    const events = await allEvents();
    expect(events.length).toBe(tenants.reduce((n, t) => n + t.events, 0));
    const ids = [...new Set(tenants.flatMap((t) => t.ids))];
    const route = fc.oneof(
      fc.constantFrom(...ids).map((id) => `/aggregates/note/${id}`),
      fc.constantFrom(...ids).map((id) => `/aggregates/note/${id}/events`),
      fc.constantFrom(...ids).map((id) => `/aggregates/note/${id}?version=1`),
      fc.constantFrom(...ids).map((id) => `/projections/notes/${id}`),
      fc.constantFrom(...ids).map((id) => `/projections/edits/${id}`),
      fc.constantFrom(...ids).map((id) => `/admin/api/streams/note/${id}`),
      fc.constantFrom(...events).map((e) => `/events?after=${e.position - 1}&limit=3`),
      fc.constantFrom(...events).map((e) => `/admin/api/related?id=${e.id}`),
      fc
        .constantFrom('same@example.com', ...tenants.map((t) => `${t.canary}-2@example.com`))
        .map((email) => `/projections/notes?email=${encodeURIComponent(email)}`),
      fc.constantFrom(
        '/events',
        '/events?type=NoteEdited',
        '/projections/notes',
        '/projections/edits?order=-n',
        '/admin/api/streams?type=note',
        '/dead-letters',
        '/projections',
      ),
    );
    const request = fc.oneof(
      { weight: 4, arbitrary: route.map((path) => ({ method: 'GET', path, body: undefined })) },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom(...ids)
          .map((id) => ({ method: 'POST', path: `/aggregates/note/${id}/commands/EditNote`, body: { text: 'forged' } })),
      },
    );
    await fc.assert(
      fc.asyncProperty(fc.nat(tenants.length - 1), request, async (t, { method, path, body }) => {
        const tenant = tenants[t]!;
        const res: ApiResponse = await as(tenant.name, method, path, body);
        expect(res.status, `${method} ${path}`).toBeLessThan(500);
        expectOnlyOwn(tenant, JSON.stringify(res.body), `${tenant.name}: ${method} ${path}`);
        const id = /^\/(?:aggregates\/note|projections\/notes|projections\/edits|admin\/api\/streams\/note)\/([^/?]+)/.exec(path)?.[1];
        // Another tenant's id is no stream and no row of this tenant: 404, not its data.
        if (id !== undefined && !tenant.ids.includes(id)) expect(res.status, `${tenant.name}: ${method} ${path}`).toBe(404);
        if (res.status === 200 && path.startsWith('/events')) {
          for (const e of (res.body as { events: { tenant?: string }[] }).events) expect(e.tenant).toBe(tenant.name);
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  }, 180_000);

  it("streams a tenant's live log (SSE) with its own events only", async () => {
    for (const tenant of tenants) {
      // Its log as GET /events answers it (the property's commands added to it).
      const own = (await as(tenant.name, 'GET', '/events?limit=1000')).body as { events: { id: string }[] };
      const controller = new AbortController();
      const res = await fetch(`${server.url}/events/live?after=0`, {
        headers: { authorization: `Bearer ${await tokenOf(tenant.name)}` },
        signal: controller.signal,
      });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      const deadline = Date.now() + 60_000;
      // The tenant's own events all arrive (the stream never ends by itself): read until they did.
      while ((text.match(/^data: /gm) ?? []).length < own.events.length && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      controller.abort();
      const data = text
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => JSON.parse(l.slice(6)) as { id: string; tenant: string });
      expect(data.map((e) => e.id)).toEqual(own.events.map((e) => e.id));
      expect(data.every((e) => e.tenant === tenant.name)).toBe(true);
      expectOnlyOwn(tenant, text, `${tenant.name}'s live stream`);
    }
  }, 180_000);

  it('refuses a request without a tenant (401 without a token, 403 TENANT_REQUIRED with a static one) and serves /health to all', async () => {
    expect((await server.api('GET', '/events')).status).toBe(401);
    const res = await server.api('GET', '/events', undefined, { authorization: `Bearer ${STATIC}` });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('TENANT_REQUIRED');
    expect((await server.api('GET', '/health')).status).toBe(200);
  });

  it("returns a direct SQL query under tenant A's setting none of B's rows, on every tenant table", async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const tenant of tenants) {
        await client.query('BEGIN');
        await client.query(`SELECT set_config('tusk.tenant', $1, true)`, [tenant.name]);
        for (const table of [...TENANT_TABLES, 'notes', 'edits']) {
          const { rows } = await client.query<{ tenant_id: string; row: string }>(
            `SELECT tenant_id, t::text AS row FROM iso.${table} AS t`,
          );
          if (['events', 'snapshots', 'idempotency', 'uniques', 'notes', 'edits'].includes(table))
            expect(rows.length, `${table} of ${tenant.name}`).toBeGreaterThan(0);
          for (const row of rows) {
            expect(row.tenant_id, `${table} of ${tenant.name}`).toBe(tenant.name);
            expectOnlyOwn(tenant, row.row, `${table} under ${tenant.name}'s setting`);
          }
        }
        await client.query('ROLLBACK');
      }
    } finally {
      await client.end();
    }
  });
});
