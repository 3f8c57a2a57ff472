/**
 * `tusk-es test` as a user runs it: the default app's suite passes; a copy of the app with a
 * broken rule fails with a readable diff; TAP and JUnit reporters; exit codes as `check`.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/cli.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A copy of the default app and its tests in a temp dir, with `edit` applied to app.tsk. */
function brokenCopy(edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tusk-test-cmd-'));
  dirs.push(dir);
  const original = readFileSync(join(ROOT, 'config/app.tsk'), 'utf8');
  const changed = edit(original);
  expect(changed).not.toBe(original);
  writeFileSync(join(dir, 'app.tsk'), changed);
  copyFileSync(join(ROOT, 'config/app.test.tsk'), join(dir, 'app.test.tsk'));
  return join(dir, 'app.tsk');
}

const SCENARIOS = (readFileSync(join(ROOT, 'config/app.test.tsk'), 'utf8').match(/^ {4}"[^"]+" = \{$/gm) ?? []).length;

describe('tusk-es test', () => {
  it('the default app passes its suite (exit 0), every scenario reported', async () => {
    const r = await runCli(['test', 'config/app.tsk']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(SCENARIOS).toBeGreaterThanOrEqual(10);
    expect(r.stdout).toContain(`${SCENARIOS} passed, 0 failed, ${SCENARIOS} scenarios`);
    expect(r.stdout).toContain('ok   an order cannot be shipped before it is confirmed');
  });

  it('a broken apply rule fails the scenarios that see it, with a diff of expected vs actual (exit 1)', async () => {
    const app = brokenCopy((t) =>
      t.replace(
        'OrderItemAdded = { items = "APPEND(items, data)", total = "total + data.quantity * data.unit_price" }',
        'OrderItemAdded = { items = "APPEND(items, data)", total = "total + data.quantity" }',
      ),
    );
    const r = await runCli(['test', app]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL adding an item adds to the total and the read model');
    expect(r.stdout).toContain('then_state: the state differs at then_state.total: expected 11, got 8');
    expect(r.stdout).toMatch(/- expected {2}\+ actual\n +\{\n +- {3}"total": 11\n +\+ {3}"total": 8\n +\}/);
    expect(r.stdout).toContain(`${SCENARIOS - 1} passed, 1 failed`);
  });

  it('a broken require rule: the command succeeds where the scenario expects RULE_VIOLATION', async () => {
    const app = brokenCopy((t) => t.replace(`when = "stock >= input.quantity"`, `when = "stock >= 0"`));
    const r = await runCli(['test', app]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL stock cannot be reserved beyond what is there');
    expect(r.stdout).toContain('then_error: the command succeeded (StockReserved) but RULE_VIOLATION was expected');
    expect(r.stdout).toMatch(/at .*app\.test\.tsk:\d+:\d+/);
  });

  it('--reporter junit is well-formed XML with one testcase per scenario and the failure inside', async () => {
    const app = brokenCopy((t) => t.replace(`when = "stock >= input.quantity"`, `when = "stock >= 0"`));
    const r = await runCli(['test', '--reporter', 'junit', app]);
    expect(r.code).toBe(1);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'testcase' || name === 'testsuite' }).parse(r.stdout);
    const cases = doc.testsuites.testsuite[0].testcase as { '@_name': string; failure?: { '@_message': string } }[];
    expect(cases).toHaveLength(SCENARIOS);
    expect(doc.testsuites['@_tests']).toBe(String(SCENARIOS));
    expect(doc.testsuites['@_failures']).toBe('1');
    const failed = cases.filter((c) => c.failure !== undefined);
    expect(failed.map((c) => c['@_name'])).toEqual(['stock cannot be reserved beyond what is there']);
    expect(failed[0]!.failure!['@_message']).toContain('RULE_VIOLATION was expected');
  });

  it('--reporter tap is a TAP 13 stream with one test point per scenario', async () => {
    const r = await runCli(['test', '--reporter', 'tap', 'config/app.tsk']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 2)).toEqual(['TAP version 13', `1..${SCENARIOS}`]);
    expect(lines.filter((l) => /^ok \d+ - /.test(l))).toHaveLength(SCENARIOS);
  });

  it('a bad scenario in a *.test.tsk is a located config error and nothing runs (exit 1); a bad reporter is usage (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tusk-test-cmd-'));
    dirs.push(dir);
    copyFileSync(join(ROOT, 'config/app.tsk'), join(dir, 'app.tsk'));
    writeFileSync(
      join(dir, 'orders.test.tsk'),
      'tests = {\n  "x" = { aggregate = "order", when = { command = "ShipIt" }, then = [] }\n}\n',
    );
    const r = await runCli(['test', join(dir, 'app.tsk')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${join(dir, 'orders.test.tsk')}:2:51: error: tests.x.when.command: command \`ShipIt\` is not declared by aggregate \`order\``,
    );
    expect(r.stderr).toContain('its scenarios did not run');
    expect((await runCli(['test', '--reporter', 'xml', 'config/app.tsk'])).code).toBe(2);
  });
});
