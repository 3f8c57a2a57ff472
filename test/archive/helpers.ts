/** Helpers of the archive e2e tests: old streams to archive, and a `tusk-es archive` run killed mid-way. */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { EventStore, NewEvent } from '../../src/store/EventStore.js';
import { BIN } from '../support/cli.js';
import { waitUntil } from '../support/processes.js';

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
 * Starts `tusk-es archive app.tsk` in `dir` and SIGKILLs it as soon as `started()` holds (some
 * batches are in); `onPid` learns its pid first, so afterAll can kill it if the test fails.
 */
export async function archiveKilledMidway(dir: string, started: () => Promise<boolean>, onPid: (pid: number) => void): Promise<void> {
  const child = spawn(process.execPath, [BIN, 'archive', 'app.tsk'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: 'ignore' });
  onPid(child.pid!);
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
