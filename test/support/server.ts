/**
 * Starts the real `tusk-es serve` CLI as a child process on a free port (--port 0), waits
 * for its "listening" line and a 200 from /health, and stops or kills it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'tusk-es');

/** A running `tusk-es serve`. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything written to stdout/stderr so far. */
  stdout(): string;
  stderr(): string;
  /** Sends SIGTERM and resolves to the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** SIGKILL, resolves when the process is gone. */
  kill(): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `tusk-es serve <file> --port 0` (plus `args`) in `cwd`; `bin`: another install's `bin/tusk-es` (default: this repository's). */
export async function startServer(
  file: string,
  options: { cwd?: string; args?: string[]; env?: NodeJS.ProcessEnv; timeoutMs?: number; bin?: string } = {},
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [options.bin ?? BIN, 'serve', file, '--port', '0', '--host', '127.0.0.1', ...(options.args ?? [])],
    {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let gone = false;
  void exited.then(() => (gone = true));

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let url: string | undefined;
  while (url === undefined) {
    const m = /tusk-es listening on (http:\/\/\S+)/.exec(out);
    if (m) url = m[1]!;
    else if (gone) throw new Error(`tusk-es serve exited before listening\nstdout:\n${out}\nstderr:\n${err}`);
    else if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`tusk-es serve did not start in time\nstdout:\n${out}\nstderr:\n${err}`);
    } else await new Promise((r) => setTimeout(r, 50));
  }
  while (
    (await fetch(`${url}/health`).then(
      (r) => r.status,
      () => 0,
    )) !== 200
  ) {
    if (gone || Date.now() > deadline) throw new Error(`/health never answered 200\nstderr:\n${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    child,
    exited,
    stdout: () => out,
    stderr: () => err,
    async stop(signal = 'SIGTERM') {
      if (!gone) child.kill(signal);
      return (await exited).code;
    },
    async kill() {
      if (!gone) child.kill('SIGKILL');
      await exited;
    },
  };
}
