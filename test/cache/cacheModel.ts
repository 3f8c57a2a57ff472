/** The app of the hot-tier tests: accounts on a real PostgreSQL, with a Redis `cache` block. */
import type { Registry } from 'prom-client';
import { CacheMetrics } from '../../src/cache/CacheMetrics.js';
import { RedisStateCache } from '../../src/cache/RedisStateCache.js';
import { appSchema, type AppConfig } from '../../src/config/schema/index.js';

/** Accounts without snapshots, so every load without the cache folds the whole stream. */
export function cacheModel(pgUrl: string, redisUrl: string): AppConfig {
  return appSchema.parse({
    event_store: { type: 'postgresql', connection: pgUrl },
    cache: { type: 'redis', url: redisUrl, ttl: '1 hour', timeout: '100ms' },
    aggregates: {
      account: {
        state: { balance: 0, deposits: 0 },
        commands: {
          Open: { creates: true, emits: 'AccountOpened' },
          Deposit: { input: { amount: 'integer' }, emits: 'Deposited' },
        },
        apply: { Deposited: { balance: 'balance + data.amount', deposits: 'deposits + 1' } },
      },
    },
  });
}

/** The sum of a counter's samples in Prometheus text, optionally only those with `labels`. */
export function counter(metricsText: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** A RedisStateCache on `url` alone (no app), counting into `registry`, with a 100 ms command timeout; not connected yet. */
export function bareCache(url: string, registry: Registry): RedisStateCache {
  return new RedisStateCache({ url, ttlMs: 60_000, timeoutMs: 100, keyPrefix: 't:', storeId: 's', metrics: new CacheMetrics(registry) });
}
