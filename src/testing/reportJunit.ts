/** The JUnit XML reporter (the shape CI servers read): one testsuite per app file, one testcase per scenario. */
import { formatLocation } from '../diagnostics.js';
import { failureLines } from './reportText.js';
import type { SuiteResult } from './ScenarioResult.js';

/** The JUnit XML document of `suites`. */
export function reportJunit(suites: readonly SuiteResult[]): string {
  const count = (s: SuiteResult) => s.scenarios.length;
  const failed = (s: SuiteResult) => s.scenarios.filter((c) => c.failures.length > 0).length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const total = suites.reduce((t, s) => t + count(s), 0);
  const totalFailed = suites.reduce((t, s) => t + failed(s), 0);
  const totalTime = suites.reduce((t, s) => t + s.durationMs, 0);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="tusk-es" tests="${total}" failures="${totalFailed}" errors="0" time="${seconds(totalTime)}">`,
  ];
  for (const suite of suites) {
    out.push(
      `  <testsuite name="${attr(suite.file)}" tests="${count(suite)}" failures="${failed(suite)}" errors="0" skipped="0" time="${seconds(suite.durationMs)}">`,
    );
    for (const s of suite.scenarios) {
      const where = s.location === undefined ? '' : ` file="${attr(s.location.file)}" line="${s.location.line}"`;
      const open = `    <testcase name="${attr(s.name)}" classname="${attr(suite.file)}" time="${seconds(s.durationMs)}"${where}`;
      if (s.failures.length === 0) {
        out.push(`${open}/>`);
        continue;
      }
      const message = s.failures.map((f) => `${f.what}: ${f.message}`).join('; ');
      const body = [
        ...(s.location !== undefined ? [`at ${formatLocation(s.location)}`] : []),
        ...s.failures.flatMap((f) => failureLines(f)),
      ].join('\n');
      out.push(`${open}>`, `      <failure message="${attr(message)}" type="AssertionError">${text(body)}</failure>`, '    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n');
}

// Characters XML 1.0 cannot hold at all (control characters other than tab, newline, return).
// eslint-disable-next-line no-control-regex
const INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function text(value: string): string {
  return value.replace(INVALID, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}
