/**
 * The Redis hot tier against a real redis-server and PostgreSQL: hits counted in /metrics,
 * never a stale state (not even from a deliberately stale entry, nor across two apps sharing
 * one database and one Redis), and commands and reads that still succeed with Redis stopped.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../support/postgres.js';
import { redisClient, startRedis, type RedisServer } from '../support/redis.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { RedisStateCache } from '../../src/cache/RedisStateCache.js';
import { eventually } from '../publishers/helpers.js';
import { cacheModel, counter } from './cacheModel.js';

let redis: RedisServer;
let pgUrl: string;
let a: TestApp;
let b: TestApp;
let client: Redis;

beforeAll(async () => {
  redis = await startRedis();
  pgUrl = await createTestDatabase(inject('pgUrl'));
  a = await startTestApp(cacheModel(pgUrl, redis.url));
  b = await startTestApp(cacheModel(pgUrl, redis.url));
  client = redisClient(redis.url);
  await eventually(() => cache(a).ready && cache(b).ready, 'both apps connected to Redis');
});
afterAll(async () => {
  client?.disconnect();
  await a?.close();
  await b?.close();
  await redis?.close();
});

const cache = (app: TestApp) => app.started.runtime.engine.stateCache as RedisStateCache;
const hits = async (app: TestApp) =>
  counter((await app.api('GET', '/metrics')).body as string, 'tusk_cache_hits_total', { aggregate_type: 'account' });
const deposit = async (app: TestApp, id: string, amount: number) => {
  const res = await app.api('POST', `/aggregates/account/${id}/commands/Deposit`, { amount });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.version as number;
};
const read = async (app: TestApp, id: string) => {
  const res = await app.api('GET', `/aggregates/account/${id}`);
  expect(res.status).toBe(200);
  return res.body as { version: number; state: { balance: number; deposits: number } };
};
const open = async (app: TestApp, id: string) =>
  expect((await app.api('POST', `/aggregates/account/${id}/commands/Open`, {})).status).toBe(200);

describe('redis hot tier', () => {
  it('is wired when the model has a cache block: repeated reads are hits, counted in /metrics', async () => {
    await open(a, 'hot');
    await deposit(a, 'hot', 5);
    const key = cache(a).key('account', 'hot', a.started.runtime.definitions.get('account')!.configHash);
    await eventually(async () => (await client.get(key)) !== null, 'the state written after the commit');
    expect(await client.get(key)).toBe('2:{"balance":5,"deposits":1}');
    expect(await client.pttl(key)).toBeGreaterThan(3_500_000);
    const before = await hits(a);
    for (let i = 0; i < 3; i++) expect(await read(a, 'hot')).toMatchObject({ version: 2, state: { balance: 5, deposits: 1 } });
    expect((await hits(a)) - before).toBe(3);
    const text = (await a.api('GET', '/metrics')).body as string;
    expect(text).toMatch(/# TYPE tusk_cache_misses_total counter/);
    expect(text).toMatch(/# TYPE tusk_cache_errors_total counter/);
  });

  it('a stale entry in Redis never makes a stale read: the tail always comes from the store', async () => {
    await open(a, 'stale');
    for (let i = 1; i <= 4; i++) await deposit(a, 'stale', i);
    const key = cache(a).key('account', 'stale', a.started.runtime.definitions.get('account')!.configHash);
    // Put the state of version 2 back by hand, as if a slow writer had won.
    await client.set(key, '2:{"balance":1,"deposits":1}');
    const before = await hits(a);
    expect(await read(a, 'stale')).toMatchObject({ version: 5, state: { balance: 10, deposits: 4 } });
    expect((await hits(a)) - before).toBe(1);
    // and the read moved the entry forward again
    await eventually(async () => (await client.get(key))?.startsWith('5:') === true, 'the entry at version 5');
  });

  it('two apps sharing one PostgreSQL and one Redis: every read sees the latest write of either', async () => {
    await open(a, 'shared');
    let balance = 0;
    for (let i = 1; i <= 30; i++) {
      const writer = i % 2 === 0 ? a : b;
      const reader = i % 3 === 0 ? writer : writer === a ? b : a;
      const version = await deposit(writer, 'shared', i);
      balance += i;
      expect(await read(reader, 'shared')).toEqual({ id: 'shared', type: 'account', version, state: { balance, deposits: i } });
    }
    // Concurrent writers on both apps (optimistic concurrency retries), then reads on both.
    await Promise.all(Array.from({ length: 20 }, (_, i) => deposit(i % 2 === 0 ? a : b, 'shared', 1)));
    for (const app of [a, b])
      expect(await read(app, 'shared')).toMatchObject({ version: 51, state: { balance: balance + 20, deposits: 50 } });
  });

  it('with Redis stopped, commands and reads still succeed (just without the cache), and hits come back with it', async () => {
    await open(a, 'outage');
    await deposit(a, 'outage', 1);
    await redis.stop();
    try {
      await eventually(() => !cache(a).ready && !cache(b).ready, 'both apps noticed');
      for (let i = 2; i <= 6; i++) {
        const started = performance.now();
        const version = await deposit(i % 2 === 0 ? a : b, 'outage', i);
        expect(await read(i % 2 === 0 ? b : a, 'outage')).toMatchObject({ version, state: { deposits: i } });
        // no request waits for a Redis that is not there
        expect(performance.now() - started).toBeLessThan(2_000);
      }
      const text = (await a.api('GET', '/metrics')).body as string;
      expect(counter(text, 'tusk_cache_errors_total', { operation: 'get' })).toBeGreaterThan(0);
    } finally {
      await redis.start();
    }
    await eventually(() => cache(a).ready, 'reconnected', 15_000);
    await deposit(a, 'outage', 7); // writes the state after the commit again
    const before = await hits(a);
    expect(await read(a, 'outage')).toMatchObject({ version: 8, state: { balance: 28, deposits: 7 } });
    expect((await hits(a)) - before).toBe(1);
  });

  it('an app starts while Redis is down, serves from the database, and uses Redis once it is up', async () => {
    await redis.stop();
    let c: TestApp | undefined;
    try {
      c = await startTestApp(cacheModel(pgUrl, redis.url));
      await open(c, 'late');
      await deposit(c, 'late', 2);
      expect(await read(c, 'late')).toMatchObject({ version: 2, state: { balance: 2 } });
      await redis.start();
      await eventually(() => cache(c!).ready, 'connected once Redis is up', 15_000);
      await deposit(c, 'late', 3);
      const before = await hits(c);
      expect(await read(c, 'late')).toMatchObject({ version: 3, state: { balance: 5 } });
      expect((await hits(c)) - before).toBe(1);
    } finally {
      await redis.start();
      await c?.close();
    }
  });
});
