/** The hot tier without a Redis: keys, entries, and a Redis that is not there. */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { connectTimeoutMs, parseEntry } from '../../src/cache/RedisStateCache.js';
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
    // No call waits for a connection (there is none to come). Were each get to wait out one
    // connect attempt, the 20 would take 20 connect timeouts: half of that is the deadline, ample
    // for calls that wait for nothing even on a busy machine, and a hang cannot pass it.
    const gets = 20;
    const deadline = (gets * connectTimeoutMs(100)) / 2;
    const calls = async () => {
      for (let i = 0; i < gets; i++) expect(await cache.get('order', 'o1', 'h')).toBeUndefined();
      cache.set('order', 'o1', 'h', { version: 1, state: { n: 1 } });
      cache.delete('order', 'o1', 'h');
      expect(await cache.deleteIdPrefix('acme\u0000')).toBe(false);
    };
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the calls did not return within ${deadline} ms`)), deadline);
    });
    try {
      await Promise.race([calls(), hung]);
      expect(cache.ready).toBe(false);
      expect(await metricValue(registry, 'tusk_cache_errors_total', { operation: 'get' })).toBe(gets);
      expect(await metricValue(registry, 'tusk_cache_errors_total', { operation: 'set' })).toBe(1);
      expect(await metricValue(registry, 'tusk_cache_errors_total', { operation: 'delete' })).toBe(2);
      expect(await metricValue(registry, 'tusk_cache_hits_total')).toBe(0);
    } finally {
      clearTimeout(timer);
      await cache.close();
    }
  });
});
