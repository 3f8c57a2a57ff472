/** Runs the built CLI (`bin/tusk-es`, after `npm run build`) as a user would, and collects its output. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/tusk-es');

/** Exit code, stdout and stderr of one CLI run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `tusk-es …args` in `cwd` (default: the repo root) with a clean environment plus `env`. */
export function runCli(args: string[], env: Record<string, string> = {}, cwd: string = ROOT): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env } },
      (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}
