/** The text reporter: one line per scenario; each failure with its reason and a diff of expected vs actual. */
import { formatLocation } from '../diagnostics.js';
import { lineDiff } from './lineDiff.js';
import type { Failure, SuiteResult } from './ScenarioResult.js';

/** The report of `suites`, with ANSI colors when `color`. */
export function reportText(suites: readonly SuiteResult[], options: { color?: boolean } = {}): string {
  const paint = (code: string, text: string) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const lines: string[] = [];
  for (const suite of suites) {
    lines.push(suite.file);
    for (const s of suite.scenarios) {
      const ms = `(${Math.round(s.durationMs)} ms)`;
      if (s.failures.length === 0) {
        lines.push(`  ${paint('32', 'ok')}   ${s.name} ${paint('2', ms)}`);
        continue;
      }
      lines.push(`  ${paint('31', 'FAIL')} ${s.name} ${paint('2', ms)}`);
      if (s.location !== undefined) lines.push(`       at ${formatLocation(s.location)}`);
      for (const f of s.failures) lines.push(...failureLines(f, paint).map((l) => `       ${l}`));
    }
  }
  const all = suites.flatMap((s) => s.scenarios);
  const failed = all.filter((s) => s.failures.length > 0).length;
  const ms = Math.round(suites.reduce((t, s) => t + s.durationMs, 0));
  lines.push(`${all.length - failed} passed, ${failed} failed, ${all.length} scenario${all.length === 1 ? '' : 's'} (${ms} ms)`);
  return lines.join('\n');
}

/** The reason of a failure, then `- expected` / `+ actual` lines. */
export function failureLines(f: Failure, paint: (code: string, text: string) => string = (_c, t) => t): string[] {
  const out = [`${f.what}: ${f.message}`];
  if (f.expected === undefined && f.actual === undefined) return out;
  out.push(`${paint('31', '- expected')}  ${paint('32', '+ actual')}`);
  for (const line of lineDiff(pretty(f.expected), pretty(f.actual))) {
    out.push(line.startsWith('-') ? paint('31', line) : line.startsWith('+') ? paint('32', line) : line);
  }
  return out;
}

function pretty(value: unknown): string {
  return value === undefined ? '(nothing)' : JSON.stringify(value, null, 2);
}
