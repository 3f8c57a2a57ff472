/** `cache`: the Redis hot tier for aggregate state (SPEC §11); the database stays the source of truth. */
import { z } from 'zod';
import { duration, flag, ignored, size } from './primitives.js';

export const cacheSchema = z
  .strictObject({
    type: z.literal('redis').default('redis').describe('only "redis"'),
    url: z.string().default('redis://127.0.0.1:6379').describe('Redis URL (redis:// or rediss://)'),
    ttl: duration.default(3_600_000).describe('how long a cached entry lives ("1 hour")'),
    timeout: duration.default(100).describe('longest wait for one Redis command; past it the read goes to the database'),
    max_memory: size.optional().describe('accepted; set maxmemory on the Redis server instead'),
    key_prefix: z.string().default('tusk:').describe('prefix of every Redis key'),
    enabled: flag.default(true).describe('turn the hot tier off without removing the block'),
    connection: ignored,
  })
  .describe('Redis hot tier');

export type CacheConfig = z.infer<typeof cacheSchema>;
