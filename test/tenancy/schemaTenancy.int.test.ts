/**
 * Tenancy mode "schema" end to end (issue 20 item 1) against a real PostgreSQL and a started
 * server: each tenant's store is a schema of its own, placed in the control database's tenant
 * -> shard map on creation (POST /tenants) or on first use; the same ids in two tenants are
 * two streams, each event carrying its tenant; global order is per tenant (each log starts at 1); async
 * projections run per tenant; an evicted tenant's runtime restarts on its next request.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { shardRouterOf } from '../../src/tenancy/shards/shardRouter.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { modelOf } from '../projections/helpers.js';
import { createTestDatabase, queryOnce } from '../support/postgres.js';
import { operatorAuth, shardedApp, tenantAuth } from './shardFixtures.js';

let url: string;
let t: TestApp;
const suffix = randomUUID().slice(0, 6);
const A = `alpha-${suffix}`;
const B = `beta-${suffix}`;

const as = async (tenant: string, method: string, path: string, body?: unknown) => t.api(method, path, body, await tenantAuth(tenant));

const sql = <R>(text: string, params: unknown[] = []): Promise<R[]> => queryOnce<R>(url, text, params);

beforeAll(async () => {
  url = await createTestDatabase(inject('pgUrl'));
  t = await startTestApp(await modelOf(shardedApp(url, '{ mode = "schema" }')));
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('tenancy mode "schema"', () => {
  it('gives a created tenant and a first-use tenant a schema each, with their own streams, log and projections', async () => {
    const created = await t.api('POST', '/tenants', { id: A }, operatorAuth);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ id: A, status: 'active', shard: 'default' });

    // The same stream id in both tenants (B never created: placed on first use).
    expect((await as(A, 'POST', '/aggregates/note/n1/commands/CreateNote', { text: 'from A' })).status).toBe(200);
    const b = await as(B, 'POST', '/aggregates/note/n1/commands/CreateNote', { text: 'from B' });
    expect(b.status, JSON.stringify(b.body)).toBe(200);
    expect((await as(B, 'POST', '/aggregates/note/n1/commands/EditNote', { text: 'B again' })).status).toBe(200);
    expect((await as(A, 'GET', '/aggregates/note/n1')).body.state.text).toBe('from A');
    expect((await as(B, 'GET', '/aggregates/note/n1')).body.state.text).toBe('B again');

    // Global order is per tenant: each log starts at 1 and holds only its tenant's events.
    // Each event carries its tenant, as in conjoined mode (the tenant's runtime stamps it).
    const logA = (await as(A, 'GET', '/events')).body.events as { position: number; tenant: string; data: { text: string } }[];
    const logB = (await as(B, 'GET', '/events')).body.events as { position: number; tenant: string; data: { text: string } }[];
    expect(logA.map((e) => [e.position, e.tenant, e.data.text])).toEqual([[1, A, 'from A']]);
    expect(logB.map((e) => [e.position, e.tenant, e.data.text])).toEqual([
      [1, B, 'from B'],
      [2, B, 'B again'],
    ]);

    // Each tenant's async projection follows its own log.
    await expect
      .poll(async () => (await as(B, 'GET', '/projections/notes/n1')).body?.text, { timeout: 60_000, interval: 100 })
      .toBe('B again');
    await expect
      .poll(async () => (await as(A, 'GET', '/projections/notes/n1')).body?.text, { timeout: 60_000, interval: 100 })
      .toBe('from A');

    // The map in the control database, and the tenants' schemas holding their own events.
    const placements = await sql<{ tenant: string; shard: string; location: string; state: string }>(
      'SELECT tenant, shard, location, state FROM public.tenant_shards WHERE tenant = ANY($1) ORDER BY tenant',
      [[A, B]],
    );
    expect(placements.map((p) => [p.tenant, p.shard, p.state])).toEqual([
      [A, 'default', 'active'],
      [B, 'default', 'active'],
    ]);
    for (const [p, texts] of [
      [placements[0]!, ['from A']],
      [placements[1]!, ['from B', 'B again']],
    ] as const) {
      const rows = await sql<{ text: string }>(`SELECT data->>'text' AS text FROM "${p.location}".events ORDER BY position`);
      expect(rows.map((r) => r.text)).toEqual(texts);
    }
    // Nothing of the tenants in the control database's own log.
    expect(await sql('SELECT 1 FROM public.events')).toEqual([]);
  });

  it('refuses a principal without a tenant on tenant routes, and serves tenant operations to it', async () => {
    const refused = await t.api('GET', '/aggregates/note/n1', undefined, operatorAuth);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('TENANT_REQUIRED');
    const list = await t.api('GET', '/tenants', undefined, operatorAuth);
    expect(list.body.tenants.map((x: { id: string }) => x.id)).toContain(A);
  });

  it('restarts an evicted tenant runtime on its next request, with its data', async () => {
    const router = shardRouterOf(t.started.runtime)!;
    expect(router.running()).toContain(A);
    const before = await router.runtimeFor(A);
    await router.evict(A);
    expect(router.running()).not.toContain(A);
    expect((await as(A, 'POST', '/aggregates/note/n1/commands/EditNote', { text: 'A after eviction' })).status).toBe(200);
    expect((await router.runtimeFor(A)).runtime).not.toBe(before.runtime);
    expect((await as(A, 'GET', '/aggregates/note/n1')).body).toMatchObject({ version: 2, state: { text: 'A after eviction' } });
  });

  it("refuses a disabled tenant at the front (the registry is the control database's)", async () => {
    expect((await t.api('POST', `/tenants/${B}/disable`, undefined, operatorAuth)).status).toBe(404);
    expect((await t.api('POST', `/tenants/${A}/disable`, undefined, operatorAuth)).body.status).toBe('disabled');
    const refused = await as(A, 'GET', '/aggregates/note/n1');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('TENANT_DISABLED');
    expect((await as(B, 'GET', '/aggregates/note/n1')).status).toBe(200);
  });

  it('streams a tenant its own events live, and closes with the stream open', async () => {
    const controller = new AbortController();
    const res = await fetch(`${t.url}/events/live`, { headers: await tenantAuth(B), signal: controller.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    expect((await as(B, 'POST', '/aggregates/note/live1/commands/CreateNote', { text: 'live B' })).status).toBe(200);
    let text = '';
    while (!text.includes('live B')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toContain('"aggregate_id":"live1"');
    expect(text).toContain(`"tenant":"${B}"`);
    // The front's close ends the tenant's stream instead of waiting for it.
    await t.close();
    for (;;) if ((await reader.read()).done) break;
  });
});
