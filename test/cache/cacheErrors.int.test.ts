/**
 * Failed Redis commands are counted under their own operation in tusk_cache_errors_total: a
 * delete that fails is a `delete` error, not a `set` one (the review found it counted as set).
 * A real redis-server refuses writes for a while (CLIENT PAUSE … WRITE), so the deletes time
 * out while the connection stays up.
 */
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, metricValue } from '../publishers/helpers.js';
import { redisClient, startRedis, type RedisServer } from '../support/redis.js';
import { bareCache } from './cacheModel.js';

let redis: RedisServer;
let client: Redis;

beforeAll(async () => {
  redis = await startRedis();
  client = redisClient(redis.url);
}, 60_000);
afterAll(async () => {
  client?.disconnect();
  await redis?.close();
});

describe('tusk_cache_errors_total', () => {
  it('counts a delete that times out as operation=delete', async () => {
    const registry = new Registry();
    const cache = bareCache(redis.url, registry);
    cache.connect();
    try {
      await eventually(() => cache.ready, 'the cache connected');
      // an entry for the prefix delete to find (SCAN reads, so it still runs while writes pause)
      await client.set(cache.key('order', 'acme\u0000o1', 'h'), '1:{}');
      await client.call('CLIENT', 'PAUSE', '60000', 'WRITE');
      try {
        cache.delete('order', 'o1', 'h');
        await cache.deleteIdPrefix('acme\u0000');
        await expect.poll(() => metricValue(registry, 'tusk_cache_errors_total', { operation: 'delete' }), { timeout: 60_000 }).toBe(2);
      } finally {
        await client.call('CLIENT', 'UNPAUSE');
      }
      expect(await metricValue(registry, 'tusk_cache_errors_total', { operation: 'set' })).toBe(0);
      expect(await client.exists(cache.key('order', 'acme\u0000o1', 'h'))).toBe(1);
    } finally {
      await cache.close();
    }
  }, 90_000);
});
