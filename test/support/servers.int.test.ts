/**
 * Smoke tests of the real servers the other tests rely on: PostgreSQL from the global setup
 * with one isolated database per caller, and Redis and RabbitMQ that survive a stop and a
 * start in the middle of a test.
 */
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from './postgres.js';
import { startRabbit, type RabbitServer } from './rabbitmq.js';
import { startRedis, type RedisServer } from './redis.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function eventually(what: string, check: () => Promise<unknown>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what}: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('PostgreSQL', () => {
  it('gives each caller its own empty database on the shared server', async () => {
    const a = await createTestDatabase(inject('pgUrl'));
    const b = await createTestDatabase(inject('pgUrl'));
    expect(a).not.toBe(b);

    const ca = new pg.Client({ connectionString: a });
    const cb = new pg.Client({ connectionString: b });
    await ca.connect();
    await cb.connect();
    try {
      expect((await ca.query('SELECT current_database() AS db')).rows[0].db).toBe(new URL(a).pathname.slice(1));
      expect((await ca.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)).rows[0].n).toBe(0);
      await ca.query('CREATE TABLE t (id int PRIMARY KEY, name text)');
      await ca.query('INSERT INTO t VALUES (1, $1)', ['ünïcode']);
      expect((await ca.query('SELECT name FROM t WHERE id = 1')).rows).toEqual([{ name: 'ünïcode' }]);
      expect((await cb.query(`SELECT to_regclass('public.t') AS t`)).rows[0].t).toBeNull();
    } finally {
      await ca.end();
      await cb.end();
    }
  });
});

describe('Redis', () => {
  let redis: RedisServer;
  let client: Redis;
  beforeAll(async () => {
    redis = await startRedis();
    // No offline queue: while Redis is down a command must fail at once, not wait for it.
    client = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => 100 });
    client.on('error', () => undefined);
    await eventually('client connects', () => client.ping());
  });
  afterAll(async () => {
    client?.disconnect();
    await redis?.close();
  });

  it('answers SET/GET, fails while stopped, and works again after start() on the same port', async () => {
    await client.set('greeting', 'hello');
    expect(await client.get('greeting')).toBe('hello');

    const before = redis.pid;
    await redis.stop();
    expect(alive(before)).toBe(false);
    await expect(client.get('greeting')).rejects.toThrow();

    await redis.start();
    expect(redis.pid).not.toBe(before);
    await eventually('client reconnects', () => client.ping());
    // A new server without persistence: the key is gone, and writes work again.
    expect(await client.get('greeting')).toBeNull();
    await client.set('greeting', 'again');
    expect(await client.get('greeting')).toBe('again');
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
  });
});

describe('RabbitMQ', () => {
  let rabbit: RabbitServer;
  beforeAll(async () => {
    rabbit = await startRabbit();
  });
  afterAll(async () => {
    await rabbit?.close();
  });

  it('keeps a durable queue and its persistent message across stop() and start()', async () => {
    const queue = 'tusk.smoke.durable';
    const transient = 'tusk.smoke.transient';
    const first = await amqp.connect(rabbit.url);
    const channel = await first.createConfirmChannel();
    await channel.assertQueue(queue, { durable: true });
    await channel.assertQueue(transient, { durable: false });
    channel.sendToQueue(queue, Buffer.from('kept'), { persistent: true });
    await channel.waitForConfirms();
    await first.close();

    const before = rabbit.pid;
    await rabbit.stop();
    expect(alive(before)).toBe(false);
    await expect(amqp.connect(rabbit.url)).rejects.toThrow();

    await rabbit.start();
    expect(rabbit.pid).not.toBe(before);
    const second = await amqp.connect(rabbit.url);
    second.on('error', () => undefined);
    try {
      const ch = await second.createChannel();
      expect((await ch.checkQueue(queue)).messageCount).toBe(1);
      const message = await ch.get(queue, { noAck: true });
      expect(message === false ? undefined : message.content.toString()).toBe('kept');
      // The broker really restarted: a non-durable queue did not survive.
      ch.on('error', () => undefined);
      await expect(ch.checkQueue(transient)).rejects.toThrow(/NOT_FOUND/);
    } finally {
      await second.close().catch(() => undefined);
    }
  });
});
