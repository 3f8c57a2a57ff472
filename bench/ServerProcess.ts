/**
 * The real `tusk-es serve` as a child process for the HTTP figures (the load generator runs
 * in the bench process, so client and server do not share a JavaScript thread), plus its
 * resident memory read from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/bench/ServerProcess.js → the repository root.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'tusk-es');

/** A running `tusk-es serve`. */
export interface ServerProcess {
  url: string;
  pid: number;
  /** Milliseconds from the spawn to the first /health that answered 200. */
  startMs: number;
  /** Resident set size in MB (VmRSS of /proc/<pid>/status). */
  rssMb(): number;
  /** CPU seconds (user + system) the server has used so far: every thread, or its main (JavaScript) thread only. */
  cpuSeconds(mainThread?: boolean): number;
  /** SIGTERM (graceful), resolves when it exited. */
  stop(): Promise<void>;
}

/** The node options of the server from BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"). */
export function serverNodeArgs(): string[] {
  return (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
}

/**
 * Starts `tusk-es serve <file> --port 0` and waits for its /health to answer 200 (polled every
 * 10 ms, so `startMs` is that close). `cwd` is where a relative data_dir lives.
 */
export async function startServe(file: string, extraNodeArgs: string[] = [], cwd = ROOT): Promise<ServerProcess> {
  const spawned = performance.now();
  const child: ChildProcess = spawn(process.execPath, [...extraNodeArgs, BIN, 'serve', file, '--port', '0', '--host', '127.0.0.1'], {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 60_000;
  let url: string | undefined;
  while (url === undefined) {
    const m = /tusk-es listening on (http:\/\/\S+)/.exec(out);
    if (m) url = m[1]!;
    else if (gone || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`tusk-es serve did not start:\n${out}`);
    } else await new Promise((r) => setTimeout(r, 10));
  }
  while (
    (await fetch(`${url}/health`).then(
      (r) => r.status,
      () => 0,
    )) !== 200
  ) {
    if (gone || Date.now() > deadline) throw new Error(`/health never answered 200:\n${out}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const startMs = performance.now() - spawned;
  const pid = child.pid!;
  return {
    url,
    pid,
    startMs,
    rssMb() {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : NaN;
    },
    cpuSeconds: (mainThread = false) => cpuSecondsOf(pid, mainThread),
    async stop() {
      if (!gone) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** CPU seconds (user + system) process `pid` has used: all its threads (/proc/<pid>/stat), or only its main thread. */
function cpuSecondsOf(pid: number, mainThread = false): number {
  // the fields after the command name (in parentheses): utime is the 12th, stime the 13th, in clock ticks (100/s)
  const fields = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8')
    .split(') ')[1]!
    .split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Samples the server's RSS every 100 ms while `work` runs; resolves to the largest. */
export async function peakRss(server: ServerProcess, work: () => Promise<void>): Promise<number> {
  let peak = server.rssMb();
  const timer = setInterval(() => (peak = Math.max(peak, server.rssMb())), 100);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, server.rssMb());
}
