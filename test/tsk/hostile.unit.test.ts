/**
 * Hostile .tsk input (issue 13): `@file` stays inside the config's folder (or an allowed
 * root), symlinks cannot escape it, and load-time `$var` blow-ups stop at a limit with one
 * TSK_EXPRESSION at the real line.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTsk } from '../../src/tsk/index.js';
import { MAX_LOAD_STRING, MAX_VARIABLE_VALUES } from '../../src/tsk/evaluate.js';
import { load, summarize } from './helpers.js';

describe('@file confinement', () => {
  const base = mkdtempSync(join(tmpdir(), 'tsk-roots-'));
  const app = join(base, 'app');
  const outside = join(base, 'outside');
  mkdirSync(join(app, 'sub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.tsk'), 'password = "s3cr3t-LINE"\n');
  writeFileSync(join(app, 'sub', 'db.tsk'), 'host = "db"\n');
  symlinkSync(join(outside, 'secret.tsk'), join(app, 'link.tsk'));
  const main = join(app, 'main.tsk');

  const loadMain = async (text: string, allowRoots?: string[]) => {
    writeFileSync(main, text);
    return loadTsk(main, { mode: 'check', env: {}, ...(allowRoots ? { allowRoots } : {}) });
  };

  it('includes files inside the config folder and its subfolders', async () => {
    const doc = await loadMain('db = @file("sub/db.tsk")\n');
    expect(doc.diagnostics).toEqual([]);
    expect(doc.value).toEqual({ db: { host: 'db' } });
  });

  it('refuses ../ outside the folder with one located TSK_FILE, and never reads the file', async () => {
    const doc = await loadMain('x = 1\nleak = @file("../outside/secret.tsk")\n');
    expect(summarize(doc.diagnostics)).toEqual([
      `2:8 error TSK_FILE @file ../outside/secret.tsk is outside the config folder ${app}: move the file there, or allow its folder with --allow-root DIR`,
    ]);
    expect(JSON.stringify(doc)).not.toContain('s3cr3t');
    expect(doc.value).toEqual({ x: 1, leak: null });
  });

  it('refuses /etc/passwd as an absolute path, without a "not found" under the config folder', async () => {
    const doc = await loadMain('leak = @file("/etc/passwd")\n');
    expect(summarize(doc.diagnostics)).toEqual([
      `1:8 error TSK_FILE @file /etc/passwd is an absolute path outside the config folder ${app}: use a path relative to the config file, or allow its folder with --allow-root DIR`,
    ]);
    expect(JSON.stringify(doc.diagnostics)).not.toContain('root:');
  });

  it('refuses a symlink inside the folder that points outside it', async () => {
    const doc = await loadMain('leak = @file("link.tsk")\n');
    expect(doc.diagnostics).toHaveLength(1);
    expect(doc.diagnostics[0]!.message).toContain(
      `@file link.tsk is a symlink to ${join(outside, 'secret.tsk')}, outside the config folder`,
    );
    expect(JSON.stringify(doc)).not.toContain('s3cr3t');
  });

  it('allows a file under an --allow-root directory, relative or absolute', async () => {
    const doc = await loadMain(`a = @file("../outside/secret.tsk")\nb = @file.get("${join(outside, 'secret.tsk')}", "password")\n`, [
      outside,
    ]);
    expect(doc.diagnostics).toEqual([]);
    expect(doc.value).toEqual({ a: { password: 's3cr3t-LINE' }, b: 's3cr3t-LINE' });
  });

  it('applies to @other.tsk.get too, and to includes of included files', async () => {
    writeFileSync(join(app, 'sub', 'hop.tsk'), 'x = @file("../../outside/secret.tsk")\n');
    const doc = await loadMain('h = @file("sub/hop.tsk")\n');
    expect(doc.diagnostics.map((d) => [d.code, d.location?.file, d.location?.line])).toEqual([
      ['TSK_FILE', join(app, 'sub', 'hop.tsk'), 1],
    ]);
  });
});

describe('load-time limits', () => {
  it('stops a doubling $var at the string limit: one TSK_EXPRESSION at the real line, not TSK_SYNTAX at 1:1', async () => {
    const lines = ['$a: "x"'];
    for (let i = 0; i < 40; i++) lines.push(`$v${i}: ${i === 0 ? '$a' : `$v${i - 1}`} + ${i === 0 ? '$a' : `$v${i - 1}`}`);
    lines.push('out = $v39');
    const doc = await load(`${lines.join('\n')}\n`);
    // $v19 is 2^20 characters; $v20 would be 2^21, over the limit of 2^20
    expect(MAX_LOAD_STRING).toBe(2 ** 20);
    expect(summarize(doc.diagnostics)).toEqual([
      `22:7 error TSK_EXPRESSION this + would build a string of 2,097,152 characters, over the load-time limit of 1,048,576`,
    ]);
    expect(doc.value).toEqual({ out: '' });
  });

  it('stops arrays of arrays doubling through variables at the value limit', async () => {
    const lines = ['$a = [1, 2]'];
    for (let i = 0; i < 40; i++) lines.push(`$v${i} = [${i === 0 ? '$a' : `$v${i - 1}`}, ${i === 0 ? '$a' : `$v${i - 1}`}]`);
    lines.push('out = $v39');
    const doc = await load(`${lines.join('\n')}\n`);
    expect(doc.diagnostics).toHaveLength(1);
    expect(doc.diagnostics[0]).toMatchObject({
      code: 'TSK_EXPRESSION',
      message: expect.stringContaining(`more than ${MAX_VARIABLE_VALUES.toLocaleString('en')} values`),
    });
    expect(doc.diagnostics[0]!.location!.line).toBeGreaterThan(15);
  });

  it('does not add a second error for an operand the parser already refused', async () => {
    const doc = await load('x = <\ny = 1 > \n');
    expect(doc.diagnostics.every((d) => d.code === 'TSK_SYNTAX')).toBe(true);
    expect(doc.diagnostics.some((d) => d.location?.line === 1 && d.location.column === 1)).toBe(false);
  });
});
