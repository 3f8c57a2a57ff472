/**
 * A removed stream's Redis entry goes with it, whatever wraps the cache: with personal data
 * (the cache skips personal types) and on a conjoined store (the cache keys by tenant). Left
 * behind, the entry is read as the state of a new stream of the same id once that stream
 * reaches the cached version again (the tail check only sees that version's event exists).
 * A purged tenant's entries go too, or Redis keeps its states until their lifetime ends; with
 * Redis down the tenant is deleted and purged all the same, and the answer says its states stay.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../support/postgres.js';
import { redisClient, startRedis, type RedisServer } from '../support/redis.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { eventually, modelOf } from '../projections/helpers.js';
import { tenantToken } from '../tenancy/tenantHelpers.js';

const TOKEN = 'the-operator-token-of-the-cache-delete-test';
const SECRET = 'the-cache-delete-test-secret-of-32-characters';

const account = `account = {
    state = { balance = 0 }
    commands = {
      Open = { creates = true, emits = "Opened" }
      Deposit = { input = { amount = "integer" }, emits = "Deposited" }
    }
    apply = { Deposited = { balance = "balance + data.amount" } }
  }`;

const VARIANTS = [
  {
    kind: 'personal data on another type',
    store: `encryption_key = "test-master-key-that-is-long-enough-0123"`,
    auth: `tokens = ["${TOKEN}"]`,
    aggregates: `user = {
    personal_data = { subject = "aggregate_id", fields = ["email"] }
    commands = { Register = { creates = true, input = { email = "email" }, emits = "UserRegistered" } }
    apply = { UserRegistered = { email = "data.email" } }
  }
  ${account}`,
    headers: async () => ({ authorization: `Bearer ${TOKEN}` }),
  },
  {
    kind: 'a conjoined store',
    store: `tenancy = { mode = "conjoined" }`,
    auth: `tokens = ["${TOKEN}"], jwt = { secret = "${SECRET}", tenant_claim = "tenant" }`,
    aggregates: account,
    headers: async () => ({ authorization: `Bearer ${await tenantToken(SECRET, 'acme')}` }),
  },
];

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.close();
});

describe.each(VARIANTS)('a hard-deleted stream on the Redis cache with $kind', (variant) => {
  let app: TestApp;
  let headers: Record<string, string>;
  const call = (method: string, path: string, body?: unknown) => app.api(method, path, body, headers);
  const deposit = async (id: string, amount: number) =>
    expect((await call('POST', `/aggregates/account/${id}/commands/Deposit`, { amount })).status).toBe(200);
  const open = async (id: string) => expect((await call('POST', `/aggregates/account/${id}/commands/Open`, {})).status).toBe(200);

  beforeAll(async () => {
    const pgUrl = await createTestDatabase(inject('pgUrl'));
    app = await startTestApp(
      await modelOf(`
event_store = { type = "postgresql", connection = "${pgUrl}", ${variant.store} }
cache = { type = "redis", url = "${redis.url}", ttl = "1 hour", timeout = "1s" }
server = { auth = { ${variant.auth} } }
aggregates = {
  ${variant.aggregates}
}
`),
    );
    headers = await variant.headers();
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  it('leaves no cached state behind for a new stream of the same id', async () => {
    const metrics = async () => (await app.api('GET', '/metrics', undefined, { authorization: `Bearer ${TOKEN}` })).body as string;
    // the cache is wired once Redis counts a write of the account
    await eventually(
      async () => {
        await open('a1').catch(() => undefined);
        await deposit('a1', 1);
        return metrics();
      },
      (text) => /tusk_cache_writes_total\{aggregate_type="account"\} [1-9]/.test(text),
      'a write of the account to Redis',
      60_000,
    );
    const old = (await call('GET', '/aggregates/account/a1')).body as { version: number };
    const queued = await call('DELETE', '/aggregates/account/a1?hard=true');
    expect(queued.status, JSON.stringify(queued.body)).toBe(202);
    await eventually(
      async () => (await call('GET', queued.headers.get('location')!)).body as { status: string },
      (r) => r.status === 'done' || r.status === 'failed',
      'the hard delete',
      60_000,
    ).then((r) => expect(r.status).toBe('done'));
    expect((await call('GET', '/aggregates/account/a1')).status).toBe(404);

    // the new stream reaches the old one's version with other amounts
    await open('a1');
    for (let v = 2; v <= old.version; v++) await deposit('a1', 100);
    const now = (await call('GET', '/aggregates/account/a1')).body as { version: number; state: { balance: number } };
    expect(now.version).toBe(old.version);
    expect(now.state.balance).toBe(100 * (old.version - 1));
  }, 180_000);
});

describe('a purged tenant of a conjoined store on the Redis cache', () => {
  let app: TestApp;
  let client: Redis;
  const tenantKeys = async (tenant: string) =>
    (await client.keys('*')).filter((k) => k.includes(`:${encodeURIComponent(`${tenant}\u0000`)}`));

  beforeAll(async () => {
    const pgUrl = await createTestDatabase(inject('pgUrl'));
    app = await startTestApp(
      await modelOf(`
event_store = { type = "postgresql", connection = "${pgUrl}", tenancy = { mode = "conjoined" } }
cache = { type = "redis", url = "${redis.url}", ttl = "1 hour", timeout = "1s" }
server = { auth = { jwt = { secret = "${SECRET}", tenant_claim = "tenant" } } }
aggregates = {
  ${account}
}
`),
    );
    client = redisClient(redis.url);
  }, 120_000);
  afterAll(async () => {
    client?.disconnect();
    await app?.close();
  });

  it("leaves none of its cached states in Redis, and keeps the other tenants'", async () => {
    for (const tenant of ['gone', 'kept']) {
      const headers = { authorization: `Bearer ${await tenantToken(SECRET, tenant)}` };
      expect((await app.api('POST', '/aggregates/account/a1/commands/Open', {}, headers)).status).toBe(200);
      // Redis may still be connecting: deposit until the tenant's state is in it
      await eventually(
        async () => {
          expect((await app.api('POST', '/aggregates/account/a1/commands/Deposit', { amount: 1 }, headers)).status).toBe(200);
          return tenantKeys(tenant);
        },
        (keys) => keys.length > 0,
        `a cached state of ${tenant} in Redis`,
        60_000,
      );
    }
    const admin = { authorization: `Bearer ${await tenantToken(SECRET, 'ops', 'admin')}` };
    const deleted = await app.api('DELETE', '/tenants/gone', undefined, admin);
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    expect(deleted.body.purged.events).toBeGreaterThan(0);
    expect(await tenantKeys('gone')).toEqual([]);
    expect((await tenantKeys('kept')).length).toBeGreaterThan(0);
  }, 180_000);

  // Last in the file: it stops Redis. Before, the route answered 200 and Redis kept the states.
  it('is deleted and purged with Redis down, answering 503 CACHE_UNAVAILABLE, and 200 when repeated with Redis back', async () => {
    const headers = { authorization: `Bearer ${await tenantToken(SECRET, 'later')}` };
    const admin = { authorization: `Bearer ${await tenantToken(SECRET, 'ops', 'admin')}` };
    expect((await app.api('POST', '/aggregates/account/a1/commands/Open', {}, headers)).status).toBe(200);
    await redis.stop();

    const down = await app.api('DELETE', '/tenants/later', undefined, admin);
    expect(down.status, JSON.stringify(down.body)).toBe(503);
    expect(down.body.error).toMatchObject({
      code: 'CACHE_UNAVAILABLE',
      details: { id: 'later', status: 'deleted', cache_cleared: false, purged: { events: 1 } },
    });
    // deleted and purged all the same (as the CLI leaves it): its tokens are refused, its rows gone
    expect((await app.api('GET', '/tenants/later', undefined, admin)).body).toMatchObject({ status: 'deleted', stored: { events: 0 } });
    expect((await app.api('POST', '/aggregates/account/a2/commands/Open', {}, headers)).body.error.code).toBe('TENANT_DISABLED');

    // Redis back (the cache reconnects by itself): the same delete answers 200
    await redis.start();
    const again = await eventually(
      () => app.api('DELETE', '/tenants/later', undefined, admin),
      (res) => res.status !== 503,
      'the delete once the cache reconnected',
      60_000,
    );
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toMatchObject({ id: 'later', status: 'deleted', cache_cleared: true, purged: { events: 0 } });
  }, 180_000);
});
