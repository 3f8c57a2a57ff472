/** The TAP (version 13) reporter: one test point per scenario, failures with a YAML block. */
import { formatLocation } from '../diagnostics.js';
import { failureLines } from './reportText.js';
import type { SuiteResult } from './ScenarioResult.js';

/** The TAP stream of `suites`. */
export function reportTap(suites: readonly SuiteResult[]): string {
  const all = suites.flatMap((suite) => suite.scenarios.map((s) => ({ suite, s })));
  const lines = ['TAP version 13', `1..${all.length}`];
  all.forEach(({ suite, s }, i) => {
    const title = `${s.name}`.replace(/#/g, '\\#');
    if (s.failures.length === 0) {
      lines.push(`ok ${i + 1} - ${title}`);
      return;
    }
    lines.push(`not ok ${i + 1} - ${title}`, '  ---');
    lines.push(`  file: ${JSON.stringify(suite.file)}`);
    if (s.location !== undefined) lines.push(`  at: ${JSON.stringify(formatLocation(s.location))}`);
    lines.push(`  message: ${JSON.stringify(s.failures.map((f) => `${f.what}: ${f.message}`).join('; '))}`);
    lines.push('  diff: |-');
    for (const f of s.failures) for (const l of failureLines(f)) lines.push(`    ${l}`);
    lines.push('  ...');
  });
  return lines.join('\n');
}
