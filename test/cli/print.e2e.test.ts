import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli as run } from '../support/cli.js';

const fixture = (name: string) => join('test/fixtures/tsk', name);

describe('tusk-es print', () => {
  it('prints the resolved tree as JSON with secrets redacted and queries shown as @query(...)', async () => {
    const r = await run(['print', fixture('print.tsk')], { PRINT_TEST_TOKEN: 'tok-123', PRINT_TEST_PASSWORD: 'hunter2' });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain('tok-123');
    expect(r.stdout).not.toContain('hunter2');
    expect(JSON.parse(r.stdout)).toEqual({
      server: { host: '0.0.0.0', port: 8080, auth: { tokens: ['***'] } },
      event_store: { type: 'postgresql', url: 'postgres://app:***@db/eu', counts: '@query(SELECT count(*) FROM events)' },
    });
    expect(r.stdout).toMatch(/^\{\n {2}"server": \{\n {4}"host"/); // 2-space indent
  });

  it('prints warnings on stderr and still exits 0', async () => {
    const r = await run(['print', fixture('print.tsk')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`${fixture('print.tsk')}:7:24: warning: PRINT_TEST_TOKEN is not set [TSK_ENV_NOT_SET]\n`);
    expect(JSON.parse(r.stdout).event_store.url).toBe('postgres://app:***@db/eu'); // the secure default is a secret too
  });

  it('exits 1 with file:line:col: error: on a syntax error, and prints no tree', async () => {
    const r = await run(['print', fixture('syntax-error.tsk')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${fixture('syntax-error.tsk')}:3:13: error: unterminated string`);
  });

  it('exits 1 with a clear message for a missing file', async () => {
    const r = await run(['print', 'no/such/file.tsk']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no\/such\/file\.tsk: no such file/);
  });
});
