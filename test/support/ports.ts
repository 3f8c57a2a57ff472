/**
 * Loopback ports for the test servers, reserved across processes: test files run in parallel
 * workers, and a server that is stopped mid-test must get its port back when it restarts.
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { isProcessAlive } from '../../src/util/isProcessAlive.js';

// Below Linux's ephemeral range (32768-60999), so no `listen(0)` and no outgoing connection of
// another process can take a port while its server is stopped between a stop() and a start().
const FIRST = 20_000;
const LAST = 32_000;
// Ports of system services that may come and go while we run (RabbitMQ's distribution port).
const AVOID = new Set([25_672]);
const DIR = '/tmp/tusk-es-ports';

/** A port held by this process until `release()` (or until the process dies). */
export interface PortReservation {
  port: number;
  release(): void;
}

/** Takes the lock file of `port`, reclaiming it from a dead owner. */
function lock(port: number): boolean {
  const file = join(DIR, String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner = NaN;
      try {
        owner = Number(readFileSync(file, 'utf8'));
      } catch {
        // removed meanwhile: try again
      }
      // An empty file is an owner between openSync and writeSync: leave it alone.
      if (Number.isInteger(owner) && owner > 0 && !isProcessAlive(owner)) rmSync(file, { force: true });
      else if (!Number.isNaN(owner)) return false;
    }
  }
  return false;
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

const heldPorts = new Map<number, () => void>();
// Dead owners are reclaimed anyway; this just keeps the folder tidy after a normal exit.
process.once('exit', () => {
  for (const release of [...heldPorts.values()]) release();
});

/** Removes the lock files of processes that died without releasing them (SIGKILLed workers). */
function sweep(): void {
  for (const entry of readdirSync(DIR)) {
    try {
      const owner = Number(readFileSync(join(DIR, entry), 'utf8'));
      if (Number.isInteger(owner) && owner > 0 && !isProcessAlive(owner)) rmSync(join(DIR, entry), { force: true });
    } catch {
      // released meanwhile
    }
  }
}

/** Reserves a port that is free on 127.0.0.1 and not held by another test process. */
export async function reservePort(): Promise<PortReservation> {
  mkdirSync(DIR, { recursive: true, mode: 0o1777 });
  sweep();
  const span = LAST - FIRST + 1;
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const port = FIRST + ((start + i) % span);
    if (AVOID.has(port) || !lock(port)) continue;
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      heldPorts.delete(port);
      rmSync(join(DIR, String(port)), { force: true });
    };
    heldPorts.set(port, release);
    if (await bindable(port)) return { port, release };
    release();
  }
  throw new Error(`no free port between ${FIRST} and ${LAST} on 127.0.0.1`);
}
