/**
 * `tusk-es serve` as a real process: embedded store in a temp dir, a command over HTTP,
 * SIGTERM → exit 0, and the data is still there after a restart.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../support/server.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'tusk-serve-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const APP = `
aggregates {
    account = {
        state = { balance = 0, status = "none" }
        commands = {
            Open = { creates = true, input = { owner = "string" }, emits = "AccountOpened" }
            Deposit = {
                input = { amount = { type = "number", min = 0.01 } }
                require = [{ when = "status == 'open'", message = "account is not open" }]
                emits = "MoneyDeposited"
            }
        }
        apply = {
            AccountOpened = { status = "'open'", owner = "data.owner" }
            MoneyDeposited = { balance = "balance + data.amount" }
        }
    }
}
`;

describe('tusk-es serve', () => {
  it('serves an app on the embedded store, exits 0 on SIGTERM, and keeps the data', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'app.tsk'), APP);
    const server = await startServer('app.tsk', { cwd: dir });
    try {
      expect(server.stdout()).toMatch(/tusk-es listening on http:\/\/127\.0\.0\.1:\d+/);
      const post = (path: string, body: unknown) =>
        fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await post('/aggregates/account/a1/commands/Open', { owner: 'ann' })).status).toBe(200);
      expect((await post('/aggregates/account/a1/commands/Deposit', { amount: 5 })).status).toBe(200);
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
    expect(existsSync(join(dir, '.tusk-data'))).toBe(true);

    const again = await startServer('app.tsk', { cwd: dir });
    try {
      const res = await fetch(`${again.url}/aggregates/account/a1`);
      expect(await res.json()).toEqual({ id: 'a1', type: 'account', version: 2, state: { balance: 5, status: 'open', owner: 'ann' } });
    } finally {
      expect(await again.stop('SIGINT')).toBe(0);
    }
  });

  it('runs config/app.tsk from a fresh directory', async () => {
    const dir = tempDir();
    copyFileSync(join(process.cwd(), 'config', 'app.tsk'), join(dir, 'app.tsk'));
    const server = await startServer('app.tsk', { cwd: dir });
    try {
      const health = await fetch(`${server.url}/health`);
      expect(await health.json()).toEqual({ status: 'ok', details: { parked: {} } });
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('exits 1 with located diagnostics on a bad config, and 2 on a bad --port', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.tsk'), 'aggregates {\n  a = { commands = { X = { creates = "yes", emits = "E" } } }\n}\n');
    await expect(startServer('bad.tsk', { cwd: dir, timeoutMs: 20_000 })).rejects.toThrow(/bad\.tsk:\d+:\d+: error/);
    await expect(startServer('bad.tsk', { cwd: dir, args: ['--port', 'abc'], timeoutMs: 20_000 })).rejects.toThrow(/--port/);
  });
});
