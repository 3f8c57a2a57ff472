/**
 * Tenant operations over HTTP against a real started server (issue 20 item 3): create,
 * disable, enable and delete a tenant through /tenants; a disabled or deleted tenant's JWTs get
 * 403 TENANT_DISABLED (counted in /metrics); a tenant over its events/s quota gets 429 with
 * Retry-After and nothing written.
 */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import { shopModel } from '../engine/fixtures.js';
import { startTestApp, type TestApp } from '../http/helpers.js';

const SECRET = 'a-shared-secret-of-at-least-32-characters!';
const key = new TextEncoder().encode(SECRET);
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp(appSchema.parse({ ...shopModel(), server: { auth: { jwt: { secret: SECRET, tenant_claim: 'tenant' } } } }));
}, 120_000);
afterAll(async () => {
  await t?.close();
});

const jwt = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('someone').setExpirationTime('10m').sign(key);
const as = async (tenant: string, scope: string) => ({ authorization: `Bearer ${await jwt({ tenant, scope })}` });
const admin = () => as('ops', 'admin');

async function denied(reason: string): Promise<number> {
  const text = (await t.api('GET', '/metrics', undefined, await as('ops', 'metrics:read'))).body as string;
  const line = text.split('\n').find((l) => l.startsWith(`tusk_auth_denied_total{reason="${reason}",scope="-"}`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

describe('tenant registry over HTTP', () => {
  it('creates, lists, disables, enables and deletes a tenant; its tokens follow at once', async () => {
    const created = await t.api('POST', '/tenants', { id: 'acme' }, await admin());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'acme', status: 'active', events_per_second: null });
    expect((await t.api('POST', '/tenants', { id: 'acme' }, await admin())).body.error.code).toBe('TENANT_EXISTS');
    expect((await t.api('POST', '/tenants', { id: '../x' }, await admin())).status).toBe(400);
    expect((await t.api('GET', '/tenants', undefined, await admin())).body.tenants.map((x: { id: string }) => x.id)).toContain('acme');

    const acme = await as('acme', 'commands:counter:*');
    expect((await t.api('POST', '/aggregates/counter/a1/commands/Start', undefined, acme)).status).toBe(200);
    expect((await t.api('POST', '/tenants/acme/disable', undefined, await admin())).body.status).toBe('disabled');
    const before = await denied('tenant_disabled');
    const refused = await t.api('POST', '/aggregates/counter/a2/commands/Start', undefined, acme);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'TENANT_DISABLED', details: { tenant: 'acme', status: 'disabled' } });
    expect(await denied('tenant_disabled')).toBe(before + 1);

    expect((await t.api('POST', '/tenants/acme/enable', undefined, await admin())).body.status).toBe('active');
    expect((await t.api('POST', '/aggregates/counter/a2/commands/Start', undefined, acme)).status).toBe(200);

    expect((await t.api('DELETE', '/tenants/acme', undefined, await admin())).body.status).toBe('deleted');
    expect((await t.api('POST', '/aggregates/counter/a3/commands/Start', undefined, acme)).body.error.code).toBe('TENANT_DISABLED');
    expect((await t.api('POST', '/tenants/acme/enable', undefined, await admin())).body.error.code).toBe('TENANT_NOT_FOUND');
    expect((await t.api('POST', '/tenants', { id: 'acme' }, await admin())).status).toBe(409);
    expect((await t.api('POST', '/tenants/nobody/disable', undefined, await admin())).status).toBe(404);
  });

  it('needs the admin scope', async () => {
    const res = await t.api('POST', '/tenants', { id: 'sneaky' }, await as('acme2', 'commands:*'));
    expect(res.status).toBe(403);
    expect(res.body.error.details.scope).toBe('admin');
  });

  it('lets a tenant that was never registered in (conjoined tenancy needs no registration)', async () => {
    expect((await t.api('POST', '/aggregates/counter/n1/commands/Start', undefined, await as('newcomer', 'commands:*'))).status).toBe(200);
  });

  it('answers 429 with Retry-After past the events/s quota, writes nothing then, and lets the tenant in again later', async () => {
    expect((await t.api('POST', '/tenants', { id: 'small', events_per_second: 1 }, await admin())).status).toBe(201);
    const small = await as('small', 'commands:counter:* aggregates:counter:read');
    expect((await t.api('POST', '/aggregates/counter/q1/commands/Start', undefined, small)).status).toBe(200);
    let accepted = 0;
    let limited: Awaited<ReturnType<TestApp['api']>> | undefined;
    // one event per command at 1 event/s: a 429 comes unless every request took a second
    for (let i = 0; i < 30 && limited === undefined; i++) {
      const res = await t.api('POST', '/aggregates/counter/q1/commands/Increment', { by: 1 }, small);
      if (res.status === 200) accepted++;
      else limited = res;
    }
    expect(limited?.status).toBe(429);
    expect(limited!.body.error.code).toBe('TENANT_QUOTA_EXCEEDED');
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await t.api('GET', '/aggregates/counter/q1', undefined, small)).body.state.n).toBe(accepted);
    expect(await denied('quota')).toBeGreaterThan(0);
    // other tenants are not slowed down
    expect((await t.api('POST', '/aggregates/counter/o1/commands/Start', undefined, await as('other', 'commands:*'))).status).toBe(200);
    await expect
      .poll(async () => (await t.api('POST', '/aggregates/counter/q1/commands/Increment', { by: 1 }, small)).status, {
        timeout: 60_000,
        interval: 250,
      })
      .toBe(200);
    // the quota can change; null lifts it
    expect((await t.api('PUT', '/tenants/small/quota', { events_per_second: null }, await admin())).body.events_per_second).toBeNull();
    for (let i = 0; i < 5; i++)
      expect((await t.api('POST', '/aggregates/counter/q1/commands/Increment', { by: 1 }, small)).status).toBe(200);
  });
});
