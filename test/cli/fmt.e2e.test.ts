/**
 * `tusk-es fmt [--check] <files…>` as a user runs it (issue 17, item 4): every .tsk in the
 * repo is in the canonical layout, --check lists what would change and exits 1, fmt rewrites
 * without changing what `print` gives, and a broken file is reported and left alone.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli as run } from '../support/cli.js';
import { wellFormedRepoFiles } from '../tsk/repoFiles.js';

const dir = mkdtempSync(join(tmpdir(), 'tusk-fmt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MESSY = 'server={port=4000}\nlimits:\n  event_data: 1000\n\n\n\ntags:\n\t- a   # first\n\t- b\n';
const CANONICAL = 'server = { port = 4000 }\nlimits:\n    event_data: 1000\n\ntags:\n    - a # first\n    - b\n';

describe('tusk-es fmt', () => {
  it('--check is clean on every well-formed .tsk in the repo', async () => {
    const files = wellFormedRepoFiles();
    expect(files.length).toBeGreaterThan(30);
    const r = await run(['fmt', '--check', ...files]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
  });

  it('--check lists the files that would change, exits 1, and changes nothing', async () => {
    const sub = mkdtempSync(join(dir, 'check-'));
    writeFileSync(join(sub, 'messy.tsk'), MESSY);
    writeFileSync(join(sub, 'tidy.tsk'), CANONICAL);
    const r = await run(['fmt', '--check', sub]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`${join(sub, 'messy.tsk')}\n`);
    expect(r.stderr).toMatch(/1 file not in the canonical layout/);
    expect(readFileSync(join(sub, 'messy.tsk'), 'utf8')).toBe(MESSY);
  });

  it('rewrites a file in the canonical layout, and print gives the same tree before and after', async () => {
    const sub = mkdtempSync(join(dir, 'write-'));
    const file = join(sub, 'app.tsk');
    writeFileSync(file, MESSY);
    writeFileSync(join(sub, 'before.tsk'), MESSY);
    const r = await run(['fmt', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${file}\n`);
    expect(readFileSync(file, 'utf8')).toBe(CANONICAL);
    const [before, after] = await Promise.all([run(['print', join(sub, 'before.tsk')]), run(['print', file])]);
    expect(before.code).toBe(0);
    expect(after.stdout).toBe(before.stdout);
    expect(JSON.parse(after.stdout)).toEqual({ server: { port: 4000 }, limits: { event_data: 1000 }, tags: ['a', 'b'] });
    const again = await run(['fmt', '--check', file]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
  });

  it('reports a file with a syntax error at file:line:col, leaves it as is, and exits 1', async () => {
    const file = join(dir, 'broken.tsk');
    const text = 'a = {\n  b = "open\n';
    writeFileSync(file, text);
    const r = await run(['fmt', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:2:7: error: unterminated string [TSK_SYNTAX]`);
    expect(r.stderr).toContain(`${file} is left as is`);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('exits 1 for a missing file and 2 without files', async () => {
    const missing = await run(['fmt', join(dir, 'no-such.tsk')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no-such\.tsk: no such file/);
    expect((await run(['fmt'])).code).toBe(2);
  });
});
