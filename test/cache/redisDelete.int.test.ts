/**
 * Deleting an aggregate's cached state without its config hash (a forget: forgetSubject does
 * not know the hash a state was cached under) drops its entries of every config hash, and
 * nothing else: not another type's entry of the same id, not an id that starts with it, not an
 * id whose glob characters would match it. Before, such a delete dropped nothing.
 */
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisStateCache } from '../../src/cache/RedisStateCache.js';
import { eventually } from '../publishers/helpers.js';
import { redisClient, startRedis, type RedisServer } from '../support/redis.js';
import { bareCache } from './cacheModel.js';

let redis: RedisServer;
let client: Redis;
let cache: RedisStateCache;
beforeAll(async () => {
  redis = await startRedis();
  client = redisClient(redis.url);
  cache = bareCache(redis.url, new Registry());
  cache.connect();
  await eventually(() => cache.ready, 'the cache connected to Redis', 60_000);
}, 120_000);
afterAll(async () => {
  client?.disconnect();
  await cache?.close();
  await redis?.close();
});

describe('RedisStateCache.delete without a config hash', () => {
  it("drops the aggregate's entries of every config hash, and no other entry", async () => {
    const gone = [cache.key('order', 'o*1', 'hashA'), cache.key('order', 'o*1', 'hashB')];
    const kept = [
      cache.key('order', 'o*10', 'hashA'),
      cache.key('order', 'ox1', 'hashA'),
      cache.key('invoice', 'o*1', 'hashA'),
      cache.key('order', 'o*1', 'hashA').replace(':state:s:', ':state:other-store:'),
    ];
    for (const key of [...gone, ...kept]) await client.set(key, '1:{}');
    await cache.deleteNow('order', 'o*1');
    expect(await client.exists(...gone)).toBe(0);
    expect(await client.exists(...kept)).toBe(kept.length);
  });
});
