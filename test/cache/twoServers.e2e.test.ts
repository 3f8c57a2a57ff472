/**
 * Two real `tusk-es serve` processes sharing one PostgreSQL and one Redis (the hot tier of
 * seed 000's `event_store_config.storage.cache`): reads on either never see a stale state after
 * appends on the other, hits show in /metrics, and with Redis stopped both keep working.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../support/postgres.js';
import { startRedis, type RedisServer } from '../support/redis.js';
import { startServer, type ServerProcess } from '../support/server.js';
import { counter } from './cacheModel.js';

// The cache block as seed 000 writes it (event_store_config.storage), pointed at the test servers.
const app = (pgUrl: string, redisUrl: string) => `
event_store_config = {
    storage = {
        primary = { type = "postgresql", connection = "${pgUrl}" }
        cache = { type = "redis", url = "${redisUrl}", ttl = "1 hour", max_memory = "2GB" }
    }
}
aggregates = {
    account = {
        state = { balance = 0, deposits = 0 }
        commands = {
            Open = { creates = true, emits = "AccountOpened" }
            Deposit = { input = { amount = "integer" }, emits = "Deposited" }
        }
        apply = { Deposited = { balance = "balance + data.amount", deposits = "deposits + 1" } }
    }
}
`;

let dir: string;
let redis: RedisServer;
let one: ServerProcess;
let two: ServerProcess;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tusk-cache-e2e-'));
  redis = await startRedis();
  const file = join(dir, 'app.tsk');
  writeFileSync(file, app(await createTestDatabase(inject('pgUrl')), redis.url));
  [one, two] = await Promise.all([startServer(file, { cwd: dir }), startServer(file, { cwd: dir })]);
});
afterAll(async () => {
  await one?.stop();
  await two?.stop();
  await redis?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(server: ServerProcess, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}
const metric = async (server: ServerProcess, name: string) => counter((await call(server, 'GET', '/metrics')).body, name);

describe('two serve processes, one PostgreSQL, one Redis', () => {
  it('never serve a stale state: each read on one process sees the last append made on the other', async () => {
    expect((await call(one, 'POST', '/aggregates/account/acc/commands/Open', {})).status).toBe(200);
    let balance = 0;
    for (let i = 1; i <= 25; i++) {
      const [writer, reader] = i % 2 === 0 ? [one, two] : [two, one];
      // the reader caches the current state first, then the other process appends
      expect((await call(reader, 'GET', '/aggregates/account/acc')).status).toBe(200);
      const written = await call(writer, 'POST', '/aggregates/account/acc/commands/Deposit', { amount: i });
      expect(written.status).toBe(200);
      balance += i;
      const read = await call(reader, 'GET', '/aggregates/account/acc');
      expect(read.body).toEqual({ id: 'acc', type: 'account', version: i + 1, state: { balance, deposits: i } });
    }
    // Reads were served from Redis on both processes.
    expect(await metric(one, 'tusk_cache_hits_total')).toBeGreaterThan(10);
    expect(await metric(two, 'tusk_cache_hits_total')).toBeGreaterThan(10);
  });

  it('with Redis stopped both keep accepting commands and serving correct reads', async () => {
    expect((await call(two, 'POST', '/aggregates/account/down/commands/Open', {})).status).toBe(200);
    await redis.stop();
    try {
      for (let i = 1; i <= 6; i++) {
        const [writer, reader] = i % 2 === 0 ? [one, two] : [two, one];
        expect((await call(writer, 'POST', '/aggregates/account/down/commands/Deposit', { amount: 1 })).status).toBe(200);
        expect((await call(reader, 'GET', '/aggregates/account/down')).body).toMatchObject({ version: i + 1, state: { balance: i } });
      }
      expect((await call(one, 'GET', '/health')).status).toBe(200);
    } finally {
      await redis.start();
    }
  });
});
