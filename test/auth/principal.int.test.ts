/** request.principal: set by the auth hook on every request, static tokens and no auth alike. */
import { afterAll, describe, expect, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import { FEATURES } from '../../src/runtime/features.js';
import type { Feature } from '../../src/runtime/Feature.js';
import { shopModel } from '../engine/fixtures.js';
import { startTestApp, type TestApp } from '../http/helpers.js';

// A route that answers with the principal the auth hook set.
const whoami: Feature = { name: 'whoami', routes: (app) => app.get('/whoami', (request) => request.principal) };
const started: TestApp[] = [];
afterAll(async () => {
  for (const t of started) await t.close();
});

async function start(server: Record<string, unknown>): Promise<TestApp> {
  const t = await startTestApp(appSchema.parse({ ...shopModel(), server }), { features: [...FEATURES, whoami] });
  started.push(t);
  return t;
}

describe('request.principal', () => {
  it('is the static principal with every scope when no auth is configured', async () => {
    const t = await start({});
    const res = await fetch(`${t.url}/whoami`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ subject: 'static', tenant: null, scopes: ['*'] });
  });

  it('is the static principal for a static token, and a missing token is 401 before any route runs', async () => {
    const t = await start({ auth: { tokens: ['tok-1'] } });
    const ok = await fetch(`${t.url}/whoami`, { headers: { authorization: 'Bearer tok-1' } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ subject: 'static', tenant: null, scopes: ['*'] });
    expect((await fetch(`${t.url}/whoami`)).status).toBe(401);
    expect((await fetch(`${t.url}/whoami`, { headers: { authorization: 'Bearer tok-2' } })).status).toBe(401);
  });
});
