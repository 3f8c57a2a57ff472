/**
 * `tusk-es check` as CI runs it: a real process, one located diagnostic per fault in one run,
 * the three output formats, and the exit codes of SPEC §10 (0 clean, 1 errors or warnings
 * with --strict, 2 usage).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const BROKEN = 'test/fixtures/tsk/broken.tsk';

/** The one diagnostic expected per fault of the broken fixture, as `line:col severity code`. */
const FAULTS = [
  '5:13 error TSK_DUPLICATE_KEY', //           duplicate key
  '6:46 error CONFIG_UNKNOWN_KEY', //          unknown key in a known block
  '8:23 error TSK_SYNTAX', //                  bad (unterminated) string
  '11:1 warning CONFIG_UNKNOWN_BLOCK', //      unknown top-level block
  '11:21 error TSK_UNSUPPORTED_OPERATOR', //   unknown operator
  '13:59 error CONFIG_REFERENCE', //           unknown event in a projection
  '17:44 error CONFIG_REFERENCE', //           saga naming a missing command
  '18:19 error CONFIG_INVALID', //             bad duration
  '22:16 error TSK_SYNTAX', //                 unclosed brace
];

describe('tusk-es check', () => {
  it('reports every fault of a broken file once, located, in one run, and exits 1', async () => {
    const r = await runCli(['check', BROKEN]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter((l) => l.startsWith(`${BROKEN}:`));
    expect(lines.map((l) => l.replace(/^[^:]+:(\d+):(\d+): (\w+): .* \[(\w+)\]$/, '$1:$2 $3 $4'))).toEqual(FAULTS);
    expect(r.stderr).toContain(`${BROKEN}:8:23: error: unterminated string`);
    expect(r.stderr).toContain(`${BROKEN}:11:21: error: unsupported operator @go`);
    expect(r.stderr).toContain('unknown event type `OrderLost`');
    expect(r.stderr).toContain('command `ChargeCard` is not declared by any aggregate');
    expect(r.stderr).toContain('bad duration "30 fortnights"');
    expect(r.stderr).toContain(`expected '}' but found end of file`);
    expect(r.stderr).toContain(`  ${BROKEN}:21:8: note: '{' opened here is never closed`);
    expect(r.stderr).toContain(`  ${BROKEN}:4:13: note: Place is first defined here`);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('8 errors, 1 warning in 1 file');
  });

  it('--format json prints the same diagnostics as JSON on stdout', async () => {
    const r = await runCli(['check', '--format', 'json', BROKEN]);
    expect(r.code).toBe(1);
    const { diagnostics } = JSON.parse(r.stdout) as {
      diagnostics: { code: string; severity: string; location: { file: string; line: number; column: number } }[];
    };
    expect(diagnostics.map((d) => `${d.location.line}:${d.location.column} ${d.severity} ${d.code}`)).toEqual(FAULTS);
    expect(diagnostics.every((d) => d.location.file === BROKEN)).toBe(true);
  });

  it('--format json keeps stdout one JSON document, with the model and the DDL inside it', async () => {
    const r = await runCli(['check', '--format', 'json', '--print-model', '--ddl', 'config/app.tsk']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      diagnostics: unknown[];
      models: { file: string; model: { aggregates: object } }[];
      ddl: { file: string; sql: string }[];
    };
    expect(doc.diagnostics).toEqual([]);
    expect(doc.models).toHaveLength(1);
    expect(doc.models[0]!.file).toBe('config/app.tsk');
    expect(Object.keys(doc.models[0]!.model.aggregates).length).toBeGreaterThan(0);
    expect(doc.ddl[0]!.file).toBe('config/app.tsk');
    expect(doc.ddl[0]!.sql).toMatch(/CREATE TABLE IF NOT EXISTS/);
  });

  it('--format github prints one workflow annotation per diagnostic', async () => {
    const r = await runCli(['check', '--format', 'github', BROKEN]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(FAULTS.length);
    expect(lines[0]).toBe(`::error file=${BROKEN},line=5,col=13,title=TSK_DUPLICATE_KEY::duplicate key Place`);
    expect(lines[3]).toMatch(new RegExp(`^::warning file=${BROKEN},line=11,col=1,title=CONFIG_UNKNOWN_BLOCK::`));
  });

  it('exits 0 on warnings alone, and 1 with --strict', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tusk-check-'));
    writeFileSync(join(dir, 'w.tsk'), 'aggregates { a = { commands { Go = { creates = true, emits = "Went" } } } }\nbogus { x = 1 }\n');
    const plain = await runCli(['check', 'w.tsk'], {}, dir);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain('w.tsk:2:1: warning: bogus: not used by tusk-es [CONFIG_UNKNOWN_BLOCK]');
    expect((await runCli(['check', '--strict', 'w.tsk'], {}, dir)).code).toBe(1);
  });

  it('exits 0 with no output but the summary on the default app', async () => {
    const r = await runCli(['check', '--strict', 'config/app.tsk']);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '0 errors, 0 warnings in 1 file\n' });
  });

  it('exits 2 on a usage error', async () => {
    const noFiles = await runCli(['check']);
    expect(noFiles.code).toBe(2);
    expect(noFiles.stderr).toContain("missing required argument 'files'");
    const badFormat = await runCli(['check', '--format', 'xml', 'config/app.tsk']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('Allowed choices are text, json, github');
  });
});
