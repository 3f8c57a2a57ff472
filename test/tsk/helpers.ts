/** Test helpers for the .tsk tests: load text and summarise diagnostics on one line each. */
import type { Diagnostic } from '../../src/diagnostics.js';
import { loadTskText, type LoadOptions, type TskDocument } from '../../src/tsk/index.js';

/** `line:col severity CODE message` for each diagnostic, in order of position. */
export function summarize(diags: readonly Diagnostic[]): string[] {
  return [...diags]
    .sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.column ?? 0) - (b.location?.column ?? 0))
    .map((d) => `${d.location?.line}:${d.location?.column} ${d.severity} ${d.code} ${d.message}`);
}

/** Loads text in check mode with an empty environment (unless options say otherwise). */
export function load(text: string, options: Partial<LoadOptions> = {}, file = 'test.tsk'): Promise<TskDocument> {
  return loadTskText(text, file, { mode: 'check', env: {}, ...options });
}
