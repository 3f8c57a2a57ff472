/**
 * What `npm pack` ships is what `npx tusk-es` needs, and no more: without a `files` list the
 * tarball held the whole repository (tests, benchmarks, sources, dist/test and dist/bench:
 * 2,477 files, 10.2 MB). The tarball is unpacked into a fresh directory, beside this
 * repository's node_modules as its dependencies, and `tusk-es check config/app.tsk` runs from it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'tusk-pack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm pack', () => {
  it('ships the compiled CLI, and the unpacked package checks the default app', async () => {
    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, timeout: 120_000 });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
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
});
