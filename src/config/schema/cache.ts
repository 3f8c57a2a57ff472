/** `cache`: the Redis hot tier for aggregate state and stream reads. */
import { z } from 'zod';
import { duration, flag, ignored, size } from './primitives.js';

export const cacheSchema = z
  .strictObject({
    type: z.literal('redis').default('redis').describe('only "redis"'),
    url: z.string().default('redis://127.0.0.1:6379').describe('Redis URL'),
    ttl: duration.default(3_600_000).describe('how long a cached entry lives ("1 hour")'),
    max_memory: size.optional().describe('accepted; set maxmemory on the Redis server instead'),
    key_prefix: z.string().default('tusk:').describe('prefix of every Redis key'),
    enabled: flag.default(true).describe('turn the hot tier off without removing the block'),
    connection: ignored,
  })
  .describe('Redis hot tier');

export type CacheConfig = z.infer<typeof cacheSchema>;
