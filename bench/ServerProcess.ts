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
  /** Resident set size in MB (VmRSS of /proc/<pid>/status). */
  rssMb(): number;
  /** SIGTERM (graceful), resolves when it exited. */
  stop(): Promise<void>;
}

/** Starts `tusk-es serve <file> --port 0` and waits for its /health to answer 200. */
export async function startServe(file: string, extraNodeArgs: string[] = []): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [...extraNodeArgs, BIN, 'serve', file, '--port', '0', '--host', '127.0.0.1'], {
    cwd: ROOT,
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
    } else await new Promise((r) => setTimeout(r, 50));
  }
  while ((await fetch(`${url}/health`).then((r) => r.status, () => 0)) !== 200) {
    if (gone || Date.now() > deadline) throw new Error(`/health never answered 200:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const pid = child.pid!;
  return {
    url,
    pid,
    rssMb() {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : NaN;
    },
    async stop() {
      if (!gone) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
