/**
 * server.auth.jwt against a real started server: a JWKS file, a JWKS URL (served by a small
 * HTTP server here) and a shared secret, with keys made in the test. Scopes (acceptance 4 of
 * issue 20): a token without `commands:order:*` gets 403 on order commands, counted in /metrics.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import { FEATURES } from '../../src/runtime/features.js';
import type { Feature } from '../../src/runtime/Feature.js';
import { shopModel } from '../engine/fixtures.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { reservePort, type PortReservation } from '../support/ports.js';

const STATIC = 'static-token-0123456789';
const ISSUER = 'https://idp.test';
const AUDIENCE = 'tusk-api';
const SECRET = 'a-shared-secret-of-at-least-32-characters!';
const whoami: Feature = { name: 'whoami', routes: (app) => app.get('/whoami', (request) => request.principal) };

interface Signer {
  key: CryptoKey;
  jwk: JWK;
}
async function signer(kid: string): Promise<Signer> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  return { key: privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

/** A signed token; `claims` may override the defaults (iss, aud, exp in 5 minutes, tenant acme). */
function token(s: Signer | Uint8Array, claims: Record<string, unknown> = {}, expiresAt: number | string = '5m'): Promise<string> {
  const jwt = new SignJWT({ tenant: 'acme', ...claims })
    .setProtectedHeader(s instanceof Uint8Array ? { alg: 'HS256' } : { alg: 'ES256', kid: s.jwk.kid! })
    .setSubject('user-1')
    .setIssuedAt()
    .setExpirationTime(expiresAt);
  if (!('iss' in claims)) jwt.setIssuer(ISSUER);
  if (!('aud' in claims)) jwt.setAudience(AUDIENCE);
  return jwt.sign(s instanceof Uint8Array ? s : s.key);
}

let dir: string;
let fileKey: Signer;
let urlKey: Signer;
let jwksServer: Server;
let deadPort: PortReservation;
const apps: TestApp[] = [];
let fileApp: TestApp;
let urlApp: TestApp;
let secretApp: TestApp;
let downApp: TestApp;

async function start(server: Record<string, unknown>): Promise<TestApp> {
  const t = await startTestApp(appSchema.parse({ ...shopModel(), server }), { features: [...FEATURES, whoami] });
  apps.push(t);
  return t;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tusk-jwt-'));
  fileKey = await signer('file-key');
  urlKey = await signer('url-key');
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [fileKey.jwk] }));
  jwksServer = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [urlKey.jwk] })),
  );
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
  deadPort = await reservePort(); // reserved, never listened on: the JWKS URL of an unreachable provider
  const jwt = { issuer: ISSUER, audience: AUDIENCE, tenant_claim: 'tenant' };
  fileApp = await start({ auth: { tokens: [STATIC], jwt: { ...jwt, jwks_file: join(dir, 'jwks.json') } } });
  urlApp = await start({ auth: { jwt: { ...jwt, jwks_url: jwksUrl } } });
  secretApp = await start({ auth: { jwt: { secret: SECRET, scopes_claim: 'perms' } } });
  downApp = await start({ auth: { jwt: { jwks_url: `http://127.0.0.1:${deadPort.port}/jwks.json` } } });
}, 120_000);

afterAll(async () => {
  for (const t of apps) await t.close();
  await new Promise((resolve) => jwksServer?.close(resolve));
  deadPort?.release();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

/** The count of tusk_auth_denied_total{reason,scope} in /metrics (read with the static token). */
async function denied(reason: string, scope: string): Promise<number> {
  const res = await fileApp.api('GET', '/metrics', undefined, bearer(STATIC));
  expect(res.status).toBe(200);
  const line = (res.body as string).split('\n').find((l) => l.startsWith(`tusk_auth_denied_total{reason="${reason}",scope="${scope}"}`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

describe('scopes (issue 20, acceptance 4)', () => {
  it('refuses order commands with 403 to a token without commands:order:*, and counts each attempt in /metrics', async () => {
    const readOnly = await token(fileKey, { scope: 'projections:orders:read aggregates:order:read' });
    const before = await denied('missing_scope', 'commands:order:CreateOrder');
    for (let i = 0; i < 3; i++) {
      const res = await fileApp.api('POST', `/aggregates/order/f${i}/commands/CreateOrder`, { customer_id: 'c1' }, bearer(readOnly));
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({
        code: 'FORBIDDEN',
        details: { reason: 'missing_scope', scope: 'commands:order:CreateOrder' },
      });
    }
    expect(await denied('missing_scope', 'commands:order:CreateOrder')).toBe(before + 3);
    // nothing was written
    expect((await fileApp.api('GET', '/aggregates/order/f0', undefined, bearer(readOnly))).status).toBe(404);
  });

  it('runs order commands for a token with commands:order:*, and refuses its other aggregates', async () => {
    const writer = await token(fileKey, { scope: 'commands:order:* aggregates:order:read' });
    const created = await fileApp.api('POST', '/aggregates/order/w1/commands/CreateOrder', { customer_id: 'c1' }, bearer(writer));
    expect(created.status).toBe(200);
    const item = { product_id: 'p', quantity: 1, unit_price: 2 };
    expect((await fileApp.api('POST', '/aggregates/order/w1/commands/AddItem', item, bearer(writer))).status).toBe(200);
    expect((await fileApp.api('GET', '/aggregates/order/w1', undefined, bearer(writer))).body.state.total).toBe(2);
    const other = await fileApp.api('POST', '/aggregates/user/u1/commands/Register', { email: 'a@b.co', name: 'A' }, bearer(writer));
    expect(other.status).toBe(403);
    expect(other.body.error.details.scope).toBe('commands:user:Register');
  });

  it('gates the log, projections and admin routes by their scopes; * and a trailing * grant everything under them', async () => {
    const reader = await token(fileKey, { scp: ['events:read'] });
    expect((await fileApp.api('GET', '/events', undefined, bearer(reader))).status).toBe(200);
    expect((await fileApp.api('GET', '/dead-letters', undefined, bearer(reader))).body.error.details.scope).toBe('admin');
    expect((await fileApp.api('GET', '/metrics', undefined, bearer(reader))).status).toBe(403);
    const admin = await token(fileKey, { scope: 'admin' });
    expect((await fileApp.api('GET', '/dead-letters', undefined, bearer(admin))).status).toBe(200);
    expect((await fileApp.api('GET', '/events', undefined, bearer(admin))).status).toBe(403);
    const all = await token(fileKey, { scope: 'commands:*' });
    expect((await fileApp.api('POST', '/aggregates/counter/c1/commands/Start', undefined, bearer(all))).status).toBe(200);
    const everything = await token(fileKey, { scope: '*' });
    expect((await fileApp.api('GET', '/events', undefined, bearer(everything))).status).toBe(200);
    expect(await denied('missing_scope', 'admin')).toBeGreaterThan(0);
  });
});

describe('JWT verification', () => {
  it('puts the subject, the tenant claim and the scopes on request.principal', async () => {
    const res = await fileApp.api('GET', '/whoami', undefined, bearer(await token(fileKey, { scope: 'events:read  admin' })));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ subject: 'user-1', tenant: 'acme', scopes: ['events:read', 'admin'] });
  });

  it('answers 401 to an expired token, another issuer or audience, a bad signature, an unknown key, no tenant claim', async () => {
    const forged = await signer('file-key'); // same kid, another private key
    const cases: [string, Promise<string>, string][] = [
      ['expired', token(fileKey, { scope: '*' }, Math.floor(Date.now() / 1000) - 60), 'expired'],
      ['issuer', token(fileKey, { scope: '*', iss: 'https://evil.test' }), 'claims'],
      ['audience', token(fileKey, { scope: '*', aud: 'other-api' }), 'claims'],
      ['signature', token(forged, { scope: '*' }), 'bad_signature'],
      ['kid', token(urlKey, { scope: '*' }), 'unknown_key'],
      ['tenant', token(fileKey, { scope: '*', tenant: undefined }), 'no_tenant'],
      ['garbage', Promise.resolve('not.a.jwt'), 'invalid_token'],
    ];
    for (const [name, pending, reason] of cases) {
      const before = await denied(reason, '-');
      const res = await fileApp.api('GET', '/events', undefined, bearer(await pending));
      expect({ name, status: res.status, code: res.body.error.code, reason: res.body.error.details.reason }).toEqual({
        name,
        status: 401,
        code: 'UNAUTHORIZED',
        reason,
      });
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      expect(await denied(reason, '-')).toBe(before + 1);
    }
  });

  it('keeps static tokens working beside JWTs (single-tenant, every scope)', async () => {
    const res = await fileApp.api('POST', '/aggregates/order/s1/commands/CreateOrder', { customer_id: 'c' }, bearer(STATIC));
    expect(res.status).toBe(200);
    expect((await fileApp.api('GET', '/whoami', undefined, bearer(STATIC))).body).toEqual({
      subject: 'static',
      tenant: null,
      scopes: ['*'],
    });
    expect((await fileApp.api('GET', '/events', undefined, bearer('static-token-wrong'))).status).toBe(401);
  });

  it('verifies against a JWKS URL, and refuses a key the URL does not serve', async () => {
    const res = await urlApp.api(
      'POST',
      '/aggregates/order/u1/commands/CreateOrder',
      { customer_id: 'c' },
      bearer(await token(urlKey, { scope: 'commands:order:*' })),
    );
    expect(res.status).toBe(200);
    expect((await urlApp.api('GET', '/events', undefined, bearer(await token(fileKey, { scope: '*' })))).status).toBe(401);
    // no static tokens configured here: a random string is not a JWT
    expect((await urlApp.api('GET', '/events', undefined, bearer(STATIC))).status).toBe(401);
  });

  it('answers 503 AUTH_UNAVAILABLE while the JWKS URL cannot be read', async () => {
    const res = await downApp.api('GET', '/events', undefined, bearer(await token(urlKey, { scope: '*' })));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('AUTH_UNAVAILABLE');
  });

  it('verifies HS256 tokens with a shared secret, reading scopes from scopes_claim', async () => {
    const key = new TextEncoder().encode(SECRET);
    const ok = await token(key, { perms: ['events:read', 'admin'] }); // admin: /whoami is a route without a scope rule
    expect((await secretApp.api('GET', '/events', undefined, bearer(ok))).status).toBe(200);
    expect((await secretApp.api('GET', '/whoami', undefined, bearer(ok))).body).toEqual({
      subject: 'user-1',
      tenant: null,
      scopes: ['events:read', 'admin'],
    });
    // the scope claim is not read when scopes_claim names another
    expect((await secretApp.api('GET', '/events', undefined, bearer(await token(key, { scope: '*' })))).status).toBe(403);
    const wrong = await token(new TextEncoder().encode(`${SECRET}-other`), { perms: ['*'] });
    expect((await secretApp.api('GET', '/events', undefined, bearer(wrong))).status).toBe(401);
    // an ES256 token is refused by a secret-only verifier (no algorithm confusion)
    expect((await secretApp.api('GET', '/events', undefined, bearer(await token(fileKey, { perms: ['*'] })))).status).toBe(401);
  });
});
