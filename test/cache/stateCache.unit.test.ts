/** The hot tier without a Redis: keys, entries, and a Redis that is not there. */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { parseEntry } from '../../src/cache/RedisStateCache.js';
import { stateKey } from '../../src/cache/stateKey.js';
import { metricValue } from '../publishers/helpers.js';
import { bareCache } from './cacheModel.js';

describe('state keys', () => {
  it('carry prefix, store id, config hash, type and id; a ":" inside a type or id cannot collide', () => {
    expect(stateKey('tusk:', 'S', 'order', 'o-1', 'H')).toBe('tusk:state:S:H:order:o-1');
    expect(stateKey('p:', 'S', 'a:b', 'c', 'H')).not.toBe(stateKey('p:', 'S', 'a', 'b:c', 'H'));
  });
});

describe('cache entries', () => {
  it('"<version>:<json object>" parses; anything else is a miss', () => {
    expect(parseEntry('3:{"n":1,"s":"x:y"}')).toEqual({ version: 3, state: { n: 1, s: 'x:y' } });
    for (const bad of ['', ':{}', 'x:{}', '0:{}', '-1:{}', '2:[1]', '2:null', '2:{broken', '2.5:{}'])
      expect(parseEntry(bad), bad).toBeUndefined();
  });
});

describe('a Redis that is not there', () => {
  it('get resolves undefined at once and set and delete do nothing; each is counted as an error of its operation', async () => {
    // A port that refuses connections: reserve one, then close it.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const p = (server.address() as { port: number }).port;
        server.close(() => resolve(p));
      });
    });
    const registry = new Registry();
    const cache = bareCache(`redis://127.0.0.1:${port}`, registry);
    cache.connect();
    try {
      const started = performance.now();
      for (let i = 0; i < 20; i++) expect(await cache.get('order', 'o1', 'h')).toBeUndefined();
      cache.set('order', 'o1', 'h', { version: 1, state: { n: 1 } });
      cache.delete('order', 'o1', 'h');
      await cache.deleteIdPrefix('acme\u0000');
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(await metricValue(registry, 'tusk_cache_errors_total', { operation: 'get' })).toBe(20);
      expect(await metricValue(registry, 'tusk_cache_errors_total', { operation: 'set' })).toBe(1);
      expect(await metricValue(registry, 'tusk_cache_errors_total', { operation: 'delete' })).toBe(2);
      expect(await metricValue(registry, 'tusk_cache_hits_total')).toBe(0);
    } finally {
      await cache.close();
    }
  });
});
