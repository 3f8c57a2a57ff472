/**
 * Helpers of the archive e2e tests: a scratch dir torn down after the file, old streams to
 * archive, and a `tusk-es archive` run killed mid-way.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import type { EventStore, NewEvent } from '../../src/store/EventStore.js';
import { BIN } from '../support/cli.js';
import { signal, waitUntil } from '../support/processes.js';
import { startServer, type ServerProcess } from '../support/server.js';

/** An e2e file's scratch: a fresh temp dir and the processes started in it. */
export interface Scratch {
  readonly dir: string;
  /** `startServer`, remembered so that the teardown kills it. */
  serve: (file: string, options?: Parameters<typeof startServer>[1]) => Promise<ServerProcess>;
  /** Remembers another child's pid so that the teardown SIGKILLs it. */
  track: (pid: number) => void;
}

/**
 * A temp dir named `prefix…` for this test file; afterAll kills every server and tracked child
 * by pid (a stopped one is skipped) and removes the dir, also when a test failed half-way.
 */
export function archiveScratch(prefix: string): Scratch {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const servers: ServerProcess[] = [];
  const pids: number[] = [];
  afterAll(async () => {
    for (const server of servers) await server.kill();
    for (const pid of pids) signal(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    async serve(file, options) {
      const server = await startServer(file, options);
      servers.push(server);
      return server;
    },
    track: (pid) => void pids.push(pid),
  };
}

/** A deposit of `k`, stamped `at`. */
export const deposit = (k: number, at: number): NewEvent => ({
  id: randomUUID(),
  type: 'Deposited',
  eventVersion: 1,
  data: { k },
  metadata: {},
  timestamp: new Date(at),
});

/** `streams` account streams `old-<n>` of `perStream` deposits one second apart from `t0`, and 5 recent ones `new-<n>`. */
export async function seedAccounts(store: EventStore, streams: number, perStream: number, t0: number): Promise<void> {
  for (let s = 0; s < streams; s += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, streams - s) }, (_, j) =>
        store.append({
          streamType: 'account',
          streamId: `old-${s + j}`,
          expectedVersion: 'no_stream',
          events: Array.from({ length: perStream }, (_, k) => deposit(k, t0 + k * 1000)),
        }),
      ),
    );
  }
  for (let s = 0; s < 5; s++)
    await store.append({ streamType: 'account', streamId: `new-${s}`, expectedVersion: 'no_stream', events: [deposit(0, Date.now())] });
}

/**
 * Starts `tusk-es archive app.tsk` in the scratch dir and SIGKILLs it as soon as `started()`
 * holds (some batches are in); the scratch tracks its pid, so afterAll kills it if the test fails.
 */
export async function archiveKilledMidway(scratch: Scratch, started: () => Promise<boolean>): Promise<void> {
  const child = spawn(process.execPath, [BIN, 'archive', 'app.tsk'], {
    cwd: scratch.dir,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: 'ignore',
  });
  scratch.track(child.pid!);
  let gone = false;
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, sig) => {
      gone = true;
      resolve(sig);
    }),
  );
  await waitUntil('the first archived batch', started, {
    timeoutMs: 180_000,
    failed: () => (gone ? 'tusk-es archive exited before it was killed' : undefined),
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
}
