/**
 * A server on the embedded store keeps V8's young generation small (issue 21,
 * `rss_embedded_idle`): V8 grows it to 32 MB, all of it resident, while `serve` loads and
 * under load, though PostgreSQL's work there is WebAssembly, not JavaScript garbage. The
 * server is started with a preload (NODE_OPTIONS) that writes its new space's size to a file
 * after every garbage collection; the test reads it after a start and a load of commands.
 */
import { mkdtempSync, copyFileSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../support/server.js';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'tusk-serve-memory-'));
const servers: ServerProcess[] = [];
afterAll(async () => {
  for (const s of servers) await s.kill();
  rmSync(dir, { recursive: true, force: true });
});

const PRELOAD = `
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { writeFileSync } from 'node:fs';
let largest = 0;
new PerformanceObserver(() => {
  const size = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
  largest = Math.max(largest, size);
  writeFileSync(process.env.NEW_SPACE_FILE, JSON.stringify({ size, largest }));
}).observe({ entryTypes: ['gc'] });
`;

/** The new space's size now and its largest so far, in MB, once the server wrote them. */
function newSpace(file: string): { size: number; largest: number } {
  const { size, largest } = JSON.parse(readFileSync(file, 'utf8')) as { size: number; largest: number };
  return { size: size / 2 ** 20, largest: largest / 2 ** 20 };
}

describe('tusk-es serve on the embedded store', () => {
  it('keeps the young generation at 16 MB at most through its start and a load of commands', async () => {
    copyFileSync(join(ROOT, 'config', 'app.tsk'), join(dir, 'app.tsk'));
    const preload = join(dir, 'preload.mjs');
    writeFileSync(preload, PRELOAD);
    const file = join(dir, 'new-space.json');
    const server = await startServer('app.tsk', {
      cwd: dir,
      env: { NODE_OPTIONS: `--import ${preload}`, NEW_SPACE_FILE: file },
      timeoutMs: 120_000,
    });
    servers.push(server);
    // 8 clients, 300 commands each: enough garbage for V8 to grow an unbounded new space to its maximum.
    await Promise.all(
      Array.from({ length: 8 }, async (_, c) => {
        for (let i = 0; i < 300; i++) {
          const res = await fetch(`${server.url}/aggregates/user/commands/CreateUser`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: `u${c}-${i}@example.com`, name: `user ${i}` }),
          });
          expect(res.status).toBe(200);
          await res.arrayBuffer();
        }
      }),
    );
    await expect.poll(() => existsSync(file), { timeout: 60_000 }).toBe(true);
    const { size, largest } = newSpace(file);
    expect(largest).toBeLessThanOrEqual(16);
    expect(size).toBeLessThanOrEqual(16);
  }, 300_000);
});
