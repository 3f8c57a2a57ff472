/**
 * Child processes of the test servers: started with their output in a log file, stopped by
 * pid, and killed by a reaper when the process that started them dies without stopping them.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

/** The last lines of a log file, for error messages. */
export function logTail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** A started child and a promise of its exit. */
export interface Started {
  child: ChildProcess;
  pid: number;
  exited: Promise<void>;
  /** True once the child has exited. */
  gone(): boolean;
}

/**
 * Spawns `file` with stdout and stderr appended to `logFile`. A file instead of a pipe,
 * because a pipe nobody drains fills up and blocks a server that logs a lot.
 */
export function spawnLogged(file: string, args: readonly string[], logFile: string, options: SpawnOptions = {}): Started {
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(file, args, { ...options, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  let exitedFlag = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exitedFlag = true;
      resolve();
    });
    child.once('error', (error) => {
      writeFileSync(logFile, `spawn ${file} failed: ${error.message}\n`, { flag: 'a' });
      exitedFlag = true;
      resolve();
    });
  });
  if (child.pid === undefined) throw new Error(`could not start ${file}`);
  return { child, pid: child.pid, exited, gone: () => exitedFlag };
}

/** Whether a process with this pid exists (a zombie counts: its parent has not reaped it yet). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sends `signal` to a pid, ignoring a process that is already gone. */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Whether something accepts a TCP connection on 127.0.0.1:`port`. */
export function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => done(true));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves when `done` is true, or fails after `timeoutMs` or as soon as `failed` returns a reason. */
export async function waitUntil(
  what: string,
  done: () => Promise<boolean> | boolean,
  options: { timeoutMs: number; failed?: () => string | undefined; logFile?: string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    if (await done()) return;
    const reason = options.failed?.();
    const log = options.logFile === undefined ? '' : `\n--- ${options.logFile} ---\n${logTail(options.logFile)}`;
    if (reason !== undefined) throw new Error(`${what}: ${reason}${log}`);
    if (Date.now() > deadline) throw new Error(`${what}: timed out after ${options.timeoutMs} ms${log}`);
    await sleep(delay);
  }
}

/**
 * Stops a started child: `sig`, then SIGKILL after `graceMs`; `group` also kills whatever the
 * child started in its process group (it must have been spawned `detached`).
 */
export async function stopChild(started: Started, sig: NodeJS.Signals, graceMs: number, group = false): Promise<void> {
  if (!started.gone()) {
    signal(started.pid, sig);
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
    if ((await Promise.race([started.exited, timer])) === 'timeout') signal(started.pid, 'SIGKILL');
    await started.exited;
  }
  if (group) signal(-started.pid, 'SIGKILL');
}

/** Waits until a process that is not our child is gone, SIGKILLing it after `graceMs`. */
export async function awaitPidGone(pid: number, graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  while (pidAlive(pid)) {
    if (Date.now() > deadline) {
      signal(pid, 'SIGKILL');
      await waitUntil(`process ${pid} to die`, () => !pidAlive(pid), { timeoutMs: 5_000 });
      return;
    }
    await sleep(50);
  }
}

// The reaper reads the pids to kill from a file, so one reaper serves a server that is
// stopped and started again with new pids. "-123" in the file is a process group.
const REAPER = `
read _ignored
pids=$(cat "$1" 2>/dev/null)
[ -n "$pids" ] && kill -$3 $pids 2>/dev/null
i=0
while [ $i -lt 50 ] && [ -n "$pids" ] && kill -0 $pids 2>/dev/null; do sleep 0.1; i=$((i+1)); done
[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
sleep 0.2
rm -rf "$2"
`;

/** A reaper of one server: which pids it kills, and how to disarm it. */
export interface Reaper {
  /** The pids (negative: process groups) to kill if this process dies. */
  track(pids: readonly number[]): void;
  /** Stops the reaper: the caller has stopped the server and removed `dir` itself. */
  disarm(): void;
}

/**
 * Starts a reaper for a server whose files live in `dir`: when this process exits or dies
 * without stopping the server (a crashed or killed test worker), the reaper sends
 * `firstSignal` to the pids last tracked, SIGKILL five seconds later, and removes `dir`.
 * It notices through the end of its stdin pipe, which only this process holds, and runs in
 * its own session so that a Ctrl-C of the run cannot stop it first.
 */
export function startReaper(dir: string, firstSignal: 'TERM' | 'INT' = 'TERM'): Reaper {
  const pidFile = join(dir, '.reaper-pids');
  const child = spawn('sh', ['-c', REAPER, 'tusk-es-reaper', pidFile, dir, firstSignal], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  child.unref();
  const stdin = child.stdin as (NodeJS.WritableStream & { unref?: () => void }) | null;
  stdin?.unref?.();
  child.on('error', () => undefined);
  return {
    track(pids) {
      writeFileSync(pidFile, pids.join(' '));
    },
    disarm() {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) signal(child.pid, 'SIGKILL');
      if (existsSync(pidFile)) rmSync(pidFile, { force: true });
    },
  };
}

/** Pids whose parent is `pid` (Linux /proc; the kernel's `children` file is often missing). */
export function childPids(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command name: state, then ppid.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}
