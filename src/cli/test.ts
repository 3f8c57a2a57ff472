/**
 * `tusk-es test`: runs the scenario tests of app files (their `tests` and the `*.test.tsk`
 * beside them) on an in-memory store. Reports go to stdout (text, TAP or JUnit XML), config
 * diagnostics to stderr. Exit 0 all passed, 1 a failure or a config error; usage (2) from commander.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { formatText, hasFailures } from '../diagnostics.js';
import { loadSuite } from '../testing/loadSuite.js';
import { reportJunit } from '../testing/reportJunit.js';
import { reportTap } from '../testing/reportTap.js';
import { reportText } from '../testing/reportText.js';
import { runSuite } from '../testing/runSuite.js';
import type { SuiteResult } from '../testing/ScenarioResult.js';
import { stderrColor } from './print.js';

export interface TestOptions {
  reporter: 'text' | 'tap' | 'junit';
}

/** Runs `test` and resolves to the exit code. */
export async function testCommand(files: string[], opts: TestOptions): Promise<number> {
  const results: SuiteResult[] = [];
  let broken = false;
  for (const app of [...new Set(files.map(appFileOf))]) {
    const suite = await loadSuite(app);
    if (suite.diagnostics.length > 0) process.stderr.write(`${formatText(suite.diagnostics, { color: stderrColor() })}\n`);
    if (suite.model === undefined || hasFailures(suite.diagnostics)) {
      process.stderr.write(`tusk-es test: ${app} has errors; its scenarios did not run\n`);
      broken = true;
      continue;
    }
    if (suite.scenarios.length === 0) {
      process.stderr.write(`tusk-es test: ${app} has no scenarios (add a \`tests\` block, or a *.test.tsk file beside it)\n`);
      broken = true;
      continue;
    }
    results.push(await runSuite({ ...suite, model: suite.model }));
  }
  const report =
    opts.reporter === 'tap'
      ? reportTap(results)
      : opts.reporter === 'junit'
        ? reportJunit(results)
        : reportText(results, { color: stdoutColor() });
  process.stdout.write(`${report}\n`);
  const failed = results.some((r) => r.scenarios.some((s) => s.failures.length > 0));
  return broken || failed ? 1 : 0;
}

/** The app a file belongs to: itself, or for `x.test.tsk` the `x.tsk` (else `app.tsk`) beside it. */
export function appFileOf(file: string): string {
  if (!file.endsWith('.test.tsk')) return file;
  const sibling = join(dirname(file), `${basename(file, '.test.tsk')}.tsk`);
  return existsSync(sibling) ? sibling : join(dirname(file), 'app.tsk');
}

function stdoutColor(): boolean {
  return Boolean(process.stdout.isTTY) && (process.env.NO_COLOR === undefined || process.env.NO_COLOR === '');
}
