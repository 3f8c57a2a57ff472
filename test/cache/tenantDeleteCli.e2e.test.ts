/**
 * `tusk-es tenant delete` (the real CLI) on a conjoined store with the Redis hot tier: the
 * deleted tenant's cached states leave Redis, the other tenants' stay, and glob characters in
 * `key_prefix` match only themselves. With Redis down the CLI says so and exits 1; run again
 * once Redis is back, it clears them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { createTestDatabase } from '../support/postgres.js';
import { redisClient, startRedis, type RedisServer } from '../support/redis.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { eventually, modelOf } from '../projections/helpers.js';
import { tenantToken } from '../tenancy/tenantHelpers.js';

const SECRET = 'the-tenant-delete-cli-test-secret-of-32-chars';
// `*` and `?` in the prefix: matched as globs they would reach the look-alike key below
const PREFIX = 'tk*?:';

let redis: RedisServer;
let client: Redis;
let app: TestApp;
let dir: string;
let file: string;

beforeAll(async () => {
  redis = await startRedis();
  const pgUrl = await createTestDatabase(inject('pgUrl'));
  dir = mkdtempSync(join(tmpdir(), 'tusk-tenant-cache-'));
  file = join(dir, 'app.tsk');
  const text = `
event_store = { type = "postgresql", connection = "${pgUrl}", tenancy = { mode = "conjoined" } }
cache = { type = "redis", url = "${redis.url}", key_prefix = "${PREFIX}", ttl = "1 hour", timeout = "1s" }
server = { auth = { jwt = { secret = "${SECRET}", tenant_claim = "tenant" } } }
aggregates = {
  account = {
    state = { balance = 0 }
    commands = {
      Open = { creates = true, emits = "Opened" }
      Deposit = { input = { amount = "integer" }, emits = "Deposited" }
    }
    apply = { Deposited = { balance = "balance + data.amount" } }
  }
}
`;
  writeFileSync(file, text);
  app = await startTestApp(await modelOf(text));
  client = redisClient(redis.url);
}, 120_000);

afterAll(async () => {
  client?.disconnect();
  await app?.close();
  await redis?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const keysOf = async (tenant: string) =>
  (await client.keys('*')).filter((k) => k.startsWith(PREFIX) && k.includes(`:${encodeURIComponent(`${tenant}\u0000`)}`));

/** Opens `id` as `tenant` and deposits until its state is in Redis (it may still be connecting). */
async function cached(tenant: string, id: string): Promise<void> {
  const headers = { authorization: `Bearer ${await tenantToken(SECRET, tenant)}` };
  expect((await app.api('POST', `/aggregates/account/${id}/commands/Open`, {}, headers)).status).toBe(200);
  await eventually(
    async () => {
      expect((await app.api('POST', `/aggregates/account/${id}/commands/Deposit`, { amount: 1 }, headers)).status).toBe(200);
      return keysOf(tenant);
    },
    (keys) => keys.length > 0,
    `a cached state of ${tenant} in Redis`,
    60_000,
  );
}

describe('tusk-es tenant delete with the Redis cache', () => {
  it("drops the tenant's cached states from Redis and keeps the other tenants' and keys the prefix only looks like", async () => {
    await cached('gone', 'a1');
    await cached('gone', 'a2');
    await cached('kept', 'a1');
    // a key that the prefix's `*` and `?` would match as globs (another app's, say)
    const [someKey] = await keysOf('gone');
    const lookAlike = someKey!.replace(PREFIX, 'tkXY:');
    await client.set(lookAlike, '1:{}');

    const res = await runCli(['tenant', 'delete', file, 'gone']);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ id: 'gone', status: 'deleted', cache_cleared: true });
    expect(await keysOf('gone')).toEqual([]);
    expect(await keysOf('kept')).toHaveLength(1);
    expect(await client.exists(lookAlike)).toBe(1);
  }, 180_000);

  it('exits 1 and says so while Redis is down; run again once it is back, it clears the states', async () => {
    await cached('later', 'a1');
    const keys = await keysOf('later');
    const dump = await Promise.all(keys.map(async (k) => [k, (await client.get(k))!] as const));
    await redis.stop();
    const down = await runCli(['tenant', 'delete', file, 'later']);
    expect(down.code).toBe(1);
    expect(JSON.parse(down.stdout)).toMatchObject({ id: 'later', status: 'deleted', cache_cleared: false });
    expect(down.stderr).toContain('could not be reached');
    // Redis comes back (empty: this one keeps nothing on disk), holding what it held before
    await redis.start();
    await eventually(
      async () => (await client.ping().catch(() => '')) === 'PONG',
      (ok) => ok,
      'Redis back',
      60_000,
    );
    for (const [k, v] of dump) await client.set(k, v);
    const again = await runCli(['tenant', 'delete', file, 'later']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ id: 'later', cache_cleared: true });
    expect(await keysOf('later')).toEqual([]);
  }, 180_000);
});
