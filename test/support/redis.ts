/**
 * A throwaway Redis for one test file: no persistence, a reserved loopback port that it keeps
 * while stopped, so a test can take Redis away mid-test and bring it back at the same URL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Redis } from 'ioredis';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePackage, whichExecutable } from './packages.js';
import { reservePort } from './ports.js';
import { spawnLogged, startReaper, stopChild, waitUntil, type Started } from './processes.js';

/** A Redis started by `startRedis`. */
export interface RedisServer {
  /** `redis://127.0.0.1:PORT`, the same across stop() and start(). */
  url: string;
  port: number;
  /** Pid of the running redis-server (changes with each start()). */
  readonly pid: number;
  /** Stops redis-server (SIGTERM, SIGKILL after 5 s); the port stays reserved for start(). */
  stop(): Promise<void>;
  /** Starts redis-server again on the same port, empty. */
  start(): Promise<void>;
  /** Stops it for good: removes its temp dir and releases the port. */
  close(): Promise<void>;
}

/** Whether a Redis answers PING on `port`. */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

/** Starts a redis-server on a reserved 127.0.0.1 port (installing it when missing). */
export async function startRedis(): Promise<RedisServer> {
  const bin = await ensurePackage('redis-server', () => whichExecutable('redis-server'));
  const dir = mkdtempSync(join(tmpdir(), 'tusk-redis-'));
  const reaper = startReaper(dir);
  const reservation = await reservePort();
  const port = reservation.port;
  const logFile = join(dir, 'redis.log');
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--logfile',
    '',
  ];
  let current: Started | undefined;
  let closed = false;

  const start = async () => {
    if (closed) throw new Error('this Redis was closed');
    if (current !== undefined && !current.gone()) return;
    const child = spawnLogged(bin, args, logFile, { cwd: dir });
    current = child;
    reaper.track([child.pid]);
    await waitUntil(`Redis did not start on port ${port}`, () => pong(port), {
      timeoutMs: 30_000,
      failed: () => (child.gone() ? 'redis-server exited' : undefined),
      logFile,
    });
  };
  const stop = async () => {
    if (current !== undefined) await stopChild(current, 'SIGTERM', 5_000);
    // The old pid may be reused by an unrelated process before the reaper fires.
    reaper.track([]);
  };

  try {
    await start();
  } catch (error) {
    await stop();
    reaper.disarm();
    rmSync(dir, { recursive: true, force: true });
    reservation.release();
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return current!.pid;
    },
    stop,
    start,
    async close() {
      if (closed) return;
      closed = true;
      await stop();
      reaper.disarm();
      rmSync(dir, { recursive: true, force: true });
      reservation.release();
    },
  };
}

/** A client for a test to look into (or set up) Redis; its errors while Redis is stopped are expected and ignored. */
export function redisClient(url: string): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  return client;
}
