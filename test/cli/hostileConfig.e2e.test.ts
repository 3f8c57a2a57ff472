/**
 * Hostile configs through the real CLI (issue 13): an `@file` outside the config's folder and
 * a `$var` blow-up each give one located diagnostic in `check`; neither `check` nor `print`
 * echoes a refused file; `--allow-root` opens one more folder.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const base = mkdtempSync(join(tmpdir(), 'tsk-hostile-'));
const app = join(base, 'app');
const outside = join(base, 'etc');
mkdirSync(app);
mkdirSync(outside);
// looks like /etc/passwd: parsed as .tsk it would give syntax errors quoting its lines
writeFileSync(join(outside, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n');
const leak = join(app, 'leak.tsk');
writeFileSync(leak, 'name = "x"\nextra = @file("../etc/passwd")\nabs = @file("/etc/passwd")\n');

describe('@file outside the config folder', () => {
  it('check gives one located TSK_FILE per refused include and never echoes the file', async () => {
    const r = await runCli(['check', leak]);
    expect(r.code).toBe(1);
    const located = r.stderr.split('\n').filter((l) => l.startsWith(`${leak}:`) && l.includes(': error: '));
    expect(located).toEqual([
      `${leak}:2:9: error: @file ../etc/passwd is outside the config folder ${app}: move the file there, or allow its folder with --allow-root DIR [TSK_FILE]`,
      `${leak}:3:7: error: @file /etc/passwd is an absolute path outside the config folder ${app}: use a path relative to the config file, or allow its folder with --allow-root DIR [TSK_FILE]`,
    ]);
    expect(r.stderr + r.stdout).not.toMatch(/root:|daemon|nologin/);
  });

  it('print refuses the include (exit 1) and prints nothing of the file', async () => {
    const r = await runCli(['print', leak]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('TSK_FILE');
    expect(r.stderr + r.stdout).not.toMatch(/root:|daemon|nologin/);
  });

  it('--allow-root opens the named folder (and only it) to check and print', async () => {
    writeFileSync(join(outside, 'shared.tsk'), 'region = "eu"\n');
    const ok = join(app, 'ok.tsk');
    writeFileSync(ok, 'shared = @file("../etc/shared.tsk")\n');
    const refused = await runCli(['print', ok]);
    expect(refused.code).toBe(1);
    const r = await runCli(['print', ok, '--allow-root', outside]);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ shared: { region: 'eu' } });
    const c = await runCli(['check', ok, '--allow-root', outside]);
    expect(c.stderr).not.toContain('TSK_FILE');
  });
});

describe('$var blow-up', () => {
  it('check reports one TSK_EXPRESSION at the line that passes the limit', async () => {
    const lines = ['$a: "x"'];
    for (let i = 0; i < 40; i++) lines.push(`$v${i}: ${i === 0 ? '$a' : `$v${i - 1}`} + ${i === 0 ? '$a' : `$v${i - 1}`}`);
    lines.push('name = $v39');
    const file = join(app, 'blowup.tsk');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = await runCli(['check', file]);
    const located = r.stderr.split('\n').filter((l) => l.startsWith(`${file}:`) && l.includes('error'));
    expect(located).toEqual([
      `${file}:22:7: error: this + would build a string of 2,097,152 characters, over the load-time limit of 1,048,576 [TSK_EXPRESSION]`,
    ]);
  });
});
