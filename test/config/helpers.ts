/** Test helpers for the config pipeline: run it on text, summarise diagnostics one per line. */
import { loadConfigText, type LoadedConfig } from '../../src/config/index.js';
import type { Diagnostic } from '../../src/diagnostics.js';

/** Runs the whole pipeline on `text` in check mode with an empty environment. */
export function check(text: string, env: Record<string, string> = {}): Promise<LoadedConfig> {
  return loadConfigText(text, 'app.tsk', { mode: 'check', env });
}

/** `line:col severity CODE message` per diagnostic, in order of position. */
export function lines(diags: readonly Diagnostic[]): string[] {
  return [...diags]
    .sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.column ?? 0) - (b.location?.column ?? 0))
    .map((d) => `${d.location?.line}:${d.location?.column} ${d.severity} ${d.code} ${d.message}`);
}

/** The diagnostics of `text`, summarised. */
export async function diagnosticsOf(text: string, env: Record<string, string> = {}): Promise<string[]> {
  return lines((await check(text, env)).diagnostics);
}

/** The canonical model of `text`; fails the test with the diagnostics if there is none. */
export async function modelOf(text: string, env: Record<string, string> = {}) {
  const r = await check(text, env);
  if (!r.model) throw new Error(`no model:\n${lines(r.diagnostics).join('\n')}`);
  return { model: r.model, diagnostics: lines(r.diagnostics) };
}
