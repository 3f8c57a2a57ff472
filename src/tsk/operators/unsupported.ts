/**
 * The message for an operator tusk-es does not provide (TuskLang's `@cache`, `@learn`,
 * `@metrics`, `php(…)`…): what is supported, and the nearest supported way to get the same
 * thing where there is one.
 */
import { closest } from '../../config/didYouMean.js';
import { SUPPORTED_OPERATORS } from './context.js';

/** The nearest supported alternative to a TuskLang operator tusk-es refuses. */
const ALTERNATIVES: Record<string, string> = {
  cache: 'tusk-es caches aggregate state itself (the `cache` block); write the value without @cache',
  metrics: 'metrics are built in: GET /metrics serves them for Prometheus',
  request: 'request data reaches commands as `input.*` in their expressions',
  learn: 'there is no load-time learning; write the value, or read it with @env("NAME", default)',
  optimize: 'there is no load-time tuning; write the value, or read it with @env("NAME", default)',
  php: 'tusk-es runs no PHP; use a load-time expression ($a + 1, a ? b : c) or @env("NAME", default)',
  json: 'write the object in .tsk ({ key = value }) or include a .tsk file with @file("other.tsk")',
  time: 'use @date("Y-m-d H:i:s")',
  now: 'use @date("Y-m-d H:i:s")',
};

/** `unsupported operator @x (supported: …)`, plus a hint when one exists. */
export function unsupportedMessage(name: string, bareCall: boolean): string {
  const written = bareCall ? `${name}(…)` : `@${name}`;
  const head = name.split('.')[0]!.toLowerCase();
  const known = SUPPORTED_OPERATORS.map((o) => o.slice(1));
  const hint = ALTERNATIVES[head] ?? (bareCall ? undefined : didYouMean(name, known));
  const kind = bareCall ? 'unsupported function' : 'unsupported operator';
  return `${kind} ${written} (supported: ${SUPPORTED_OPERATORS.join(', ')})${hint ? `; ${hint}` : ''}`;
}

function didYouMean(name: string, known: readonly string[]): string | undefined {
  const near = closest(name, known);
  return near ? `did you mean @${near}?` : undefined;
}
