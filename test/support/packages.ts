/**
 * Installs the Debian package of a server the tests need when its binary is missing, so a fresh
 * CI machine needs nothing but `npm ci && npm test`.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

/** The first of `candidates` that is an executable file, else undefined. */
export function findExecutable(candidates: readonly string[]): string | undefined {
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** `name` looked up on PATH, then in the usual sbin folders apt installs to. */
export function whichExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  return findExecutable(dirs.map((d) => join(d, name)));
}

// One install at a time across test workers and projects: apt's own lock makes a second
// apt-get fail instead of waiting, and `apt-get update` has a lock of its own.
const LOCK_FILE = '/tmp/tusk-es-apt.lock';

// A package's maintainer scripts would start a system instance of the server (redis on 6379,
// a RabbitMQ node and its epmd). We never use those, and on a 2-core machine they only cost
// time and memory, so a policy-rc.d that refuses every start is put in place for the install
// when the machine has none, and removed afterwards.
const INSTALL_SCRIPT = `
set -u
export DEBIAN_FRONTEND=noninteractive
own_policy=
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\\n# tusk-es test setup: no service starts while it installs packages\\nexit 101\\n' > /usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  own_policy=1
fi
trap '[ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d' EXIT
install() { apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"; }
# Stale package lists make the first try fail on a fresh machine; only then pay for an update.
install "$@" || { apt-get update -o DPkg::Lock::Timeout=600 && install "$@"; }
`;

/**
 * Returns what `probe` finds; when it finds nothing, installs the Debian `pkg` with apt-get
 * (printing one line, since it can take a minute) and probes again.
 */
export async function ensurePackage<T>(pkg: string, probe: () => T | undefined): Promise<T> {
  const found = probe();
  if (found !== undefined) return found;

  const root = process.getuid?.() === 0;
  const sudo = root ? undefined : whichExecutable('sudo');
  if (!root && sudo === undefined) {
    throw new Error(
      `${pkg} is not installed and this user cannot install it (not root, no sudo): run \`sudo apt-get install -y --no-install-recommends ${pkg}\``,
    );
  }
  process.stderr.write(`[tusk-es test setup] installing the Debian package ${pkg} with apt-get (only when missing; may take a minute)\n`);
  const command = ['flock', LOCK_FILE, 'sh', '-c', INSTALL_SCRIPT, 'sh', pkg];
  const [file, ...args] = sudo === undefined ? command : [sudo, '-n', ...command];
  await new Promise<void>((resolve, reject) => {
    execFile(
      file!,
      args,
      { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } },
      (error, stdout, stderr) => {
        if (!error) return resolve();
        const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-25).join('\n');
        reject(new Error(`could not install the Debian package ${pkg}: apt-get failed (exit code ${String(error.code)}):\n${tail}`));
      },
    );
  });
  const installed = probe();
  if (installed === undefined) throw new Error(`apt-get installed ${pkg}, but its binaries are still not found`);
  return installed;
}
