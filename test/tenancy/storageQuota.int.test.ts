/**
 * The per-tenant storage quota (issue 20 item 3) on a real PostgreSQL with conjoined tenancy (as
 * an app role, row-level security on): a tenant whose events store `storage_bytes` or more gets
 * 403 TENANT_STORAGE_EXCEEDED on its commands, and the refused command writes nothing; other
 * tenants go on; the registry shows the quota and what the tenant stores; raising the quota
 * lets the tenant in again. Refusals are counted in /metrics.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { modelOf } from '../projections/helpers.js';
import { createAppDatabase } from '../support/postgres.js';
import { asSystem as asSystemOn, tenantToken } from './tenantHelpers.js';

const SECRET = 'the-storage-quota-test-secret-of-32-characters';

const app = (url: string) => `
server = { auth = { jwt = { secret = "${SECRET}", tenant_claim = "tenant" } } }
event_store = { type = "postgresql", connection = "${url}", schema = "quota", tenancy = { mode = "conjoined" } }
aggregates = {
    note = {
        state = { text = "" }
        commands = {
            CreateNote = { creates = true, input = { text = "string" }, emits = "NoteCreated" }
        }
        apply = { NoteCreated = { text = "data.text" } }
    }
}
`;

let url: string;
let server: TestApp;

const as = async (tenant: string, scope = 'commands:* metrics:read') => ({
  authorization: `Bearer ${await tenantToken(SECRET, tenant, scope)}`,
});
const admin = () => as('ops', 'admin');
const note = async (tenant: string, id: string, text: string) =>
  server.api('POST', `/aggregates/note/${id}/commands/CreateNote`, { text }, await as(tenant));

const asSystem = <R>(sql: string, params: unknown[] = []) => asSystemOn<R>(url, sql, params);

const storedBytes = async (tenant: string) =>
  Number(
    (
      await asSystem<{ bytes: string }>(
        `SELECT coalesce(sum(pg_column_size(data) + pg_column_size(metadata)), 0) AS bytes FROM quota.events WHERE tenant_id = $1`,
        [tenant],
      )
    )[0]!.bytes,
  );

async function deniedForStorage(): Promise<number> {
  const text = (await server.api('GET', '/metrics', undefined, await as('ops', 'metrics:read'))).body as string;
  const line = text.split('\n').find((l) => l.startsWith('tusk_auth_denied_total{reason="storage",scope="-"}'));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

beforeAll(async () => {
  url = await createAppDatabase(inject('pgUrl'));
  server = await startTestApp(await modelOf(app(url)));
}, 120_000);
afterAll(async () => {
  await server?.close();
});

describe('per-tenant storage quota', () => {
  it('refuses the commands of a tenant at its quota with TENANT_STORAGE_EXCEEDED, writing nothing, and lets it in again when raised', async () => {
    const LIMIT = 2_000;
    const created = await server.api('POST', '/tenants', { id: 'small', storage_bytes: LIMIT }, await admin());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'small', storage_bytes: LIMIT, events_per_second: null });

    const text = 'x'.repeat(300); // incompressible enough: each event stores a few hundred bytes
    const deniedBefore = await deniedForStorage();
    let admitted = 0;
    let refused: Awaited<ReturnType<TestApp['api']>> | undefined;
    let lastBefore = 0;
    for (let i = 0; i < 100 && refused === undefined; i++) {
      const before = await storedBytes('small');
      const res = await note('small', `n${i}`, `${text}${i}`);
      if (res.status === 200) {
        // admitted only while under the quota
        expect(before).toBeLessThan(LIMIT);
        admitted++;
        lastBefore = before;
      } else refused = res;
    }
    expect(admitted).toBeGreaterThan(1);
    expect(refused?.status).toBe(403);
    expect(refused?.body.error).toMatchObject({
      code: 'TENANT_STORAGE_EXCEEDED',
      details: { tenant: 'small', storage_bytes: LIMIT, stored_bytes: await storedBytes('small') },
    });
    expect(refused?.body.error.message).toContain('quota');
    const stored = await storedBytes('small');
    expect(stored).toBeGreaterThanOrEqual(LIMIT);
    expect(lastBefore).toBeLessThan(LIMIT);
    // the refused command wrote nothing: its stream does not exist, and the tenant holds exactly the admitted events
    const refusedId = `n${admitted}`;
    expect(await asSystem(`SELECT 1 FROM quota.events WHERE tenant_id = 'small' AND stream_id = $1`, [refusedId])).toEqual([]);
    expect((await asSystem<{ n: string }>(`SELECT count(*) AS n FROM quota.events WHERE tenant_id = 'small'`))[0]!.n).toBe(
      String(admitted),
    );
    expect(await deniedForStorage()).toBe(deniedBefore + 1);

    // the registry shows the quota and what the tenant stores
    const shown = await server.api('GET', '/tenants/small', undefined, await admin());
    expect(shown.body).toMatchObject({ storage_bytes: LIMIT, stored: { events: admitted, bytes: stored } });

    // another tenant is not touched
    expect((await note('roomy', 'n0', text)).status).toBe(200);

    // raised: admitted again; lifted (null) as well
    const raised = await server.api('PUT', '/tenants/small/quota', { storage_bytes: stored + 100_000 }, await admin());
    expect(raised.body).toMatchObject({ storage_bytes: stored + 100_000, events_per_second: null });
    expect((await note('small', refusedId, text)).status).toBe(200);
    expect((await server.api('PUT', '/tenants/small/quota', { storage_bytes: null }, await admin())).body.storage_bytes).toBeNull();
    expect((await note('small', 'after-lift', text)).status).toBe(200);
  });

  it('refuses a storage quota that is not a positive integer', async () => {
    const bad = await server.api('POST', '/tenants', { id: 'bad', storage_bytes: -5 }, await admin());
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error)).toContain('storage_bytes');
  });
});
