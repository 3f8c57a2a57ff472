/**
 * What `npm pack` ships is what `npx tusk-es` needs, and no more: without a `files` list the
 * tarball held the whole repository (tests, benchmarks, sources, dist/test and dist/bench:
 * 2,477 files, 10.2 MB). The tarball is unpacked into a fresh directory, beside this
 * repository's node_modules as its dependencies, and `tusk-es check config/app.tsk` runs from it.
 * Then it is installed as a user installs it (`npm install <tarball>` in an empty project, from
 * the registry): on Node 20 no package it pulls refuses the engine, and the default app serves.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';
import { startServer, type ServerProcess } from '../support/server.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'tusk-pack-'));
let tarball: string;
let server: ServerProcess | undefined;
beforeAll(async () => {
  await run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, timeout: 120_000 });
  tarball = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz'))!);
}, 180_000);
afterAll(async () => {
  await server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('ships the compiled CLI, and the unpacked package checks the default app', async () => {
    await run('tar', ['xzf', tarball], { cwd: dir, timeout: 60_000 });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    const checked = await run(
      process.execPath,
      [join(dir, 'package', 'bin', 'tusk-es'), 'check', join(dir, 'package', 'config', 'app.tsk')],
      {
        cwd: dir,
        timeout: 120_000,
      },
    );
    expect(checked.stdout + checked.stderr).toContain('0 errors');
    const shipped = readdirSync(join(dir, 'package', 'dist'));
    expect(shipped).toEqual(expect.arrayContaining(['src', 'cli', 'grammar', 'admin', 'pglite-datadir.tar.gz']));
    expect(shipped).not.toContain('test');
    expect(readdirSync(join(dir, 'package')).sort()).toEqual(['README.md', 'bin', 'config', 'dist', 'package.json']);
  }, 240_000);

  // package.json's `overrides` reach only this repository's own installs: a user's npm resolved
  // fastify's light-my-request to the newest 6.x, whose cookie@2 wants Node >= 22 (EBADENGINE).
  it('installs from the tarball on Node 20 with no engine warning, and serves the default app', async () => {
    const consumer = join(dir, 'consumer');
    mkdirSync(consumer);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    const installed = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], {
      cwd: consumer,
      timeout: 600_000,
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(installed.stdout + installed.stderr).not.toContain('EBADENGINE');
    const app = join(consumer, 'node_modules', 'tusk-es', 'config', 'app.tsk');
    server = await startServer(app, { cwd: consumer, bin: join(consumer, 'node_modules', '.bin', 'tusk-es'), timeoutMs: 120_000 });
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
  }, 720_000);
});
