/**
 * `tusk-es check`: parse and validate .tsk files (a thin edge over loadConfig).
 * Diagnostics go to stderr as text, or to stdout as JSON / GitHub annotations.
 * Exit 0 clean, 1 errors (or warnings with --strict); usage errors (2) come from commander.
 */
import { formatGithub, formatJson, formatText, hasFailures, type Diagnostic } from '../diagnostics.js';
import { modelToJson } from '../config/index.js';
import { projectionDdl } from '../projections/tables/projectionDdl.js';
import { loadApp } from '../runtime/loadApp.js';
import { stderrColor } from './print.js';

export interface CheckOptions {
  format: 'text' | 'json' | 'github';
  strict: boolean;
  db: boolean;
  printModel: boolean;
  ddl: boolean;
  /** Folders besides each config file's own that `@file` may read. */
  allowRoot?: string[];
}

/** Runs `check` and resolves to the exit code. */
export async function checkCommand(files: string[], opts: CheckOptions): Promise<number> {
  const all: Diagnostic[] = [];
  const models: { file: string; json: string }[] = [];
  const ddl: { file: string; sql: string }[] = [];
  for (const file of files) {
    const loaded = await loadApp(file, { mode: 'check', runQueries: opts.db, allowRoots: opts.allowRoot ?? [] });
    all.push(...loaded.diagnostics);
    if (opts.printModel && loaded.model) models.push({ file, json: modelToJson(loaded.model, loaded.document.secrets) });
    if (opts.ddl && loaded.model && !hasFailures(loaded.diagnostics)) ddl.push({ file, sql: projectionDdl(loaded.model) });
  }
  if (opts.format === 'json') {
    // one JSON document on stdout: the model and the DDL go inside it
    const extra: Record<string, unknown> = {};
    if (opts.printModel) extra.models = models.map((m) => ({ file: m.file, model: JSON.parse(m.json) as unknown }));
    if (opts.ddl) extra.ddl = ddl;
    process.stdout.write(`${formatJson(all, extra)}\n`);
    return hasFailures(all, opts.strict) ? 1 : 0;
  }
  report(all, opts.format);
  if (opts.format === 'text') process.stderr.write(`${summary(all, files.length)}\n`);
  for (const m of models) process.stdout.write(`${m.json}\n`);
  for (const d of ddl) process.stdout.write(`-- ${d.file}\n${d.sql}`);
  return hasFailures(all, opts.strict) ? 1 : 0;
}

function report(diags: readonly Diagnostic[], format: Exclude<CheckOptions['format'], 'json'>): void {
  if (format === 'github') {
    if (diags.length > 0) process.stdout.write(`${formatGithub(diags)}\n`);
  } else if (diags.length > 0) process.stderr.write(`${formatText(diags, { color: stderrColor() })}\n`);
}

/** `2 errors, 3 warnings in 1 file`. */
export function summary(diags: readonly Diagnostic[], files: number): string {
  const errors = diags.filter((d) => d.severity === 'error').length;
  const warnings = diags.filter((d) => d.severity === 'warning').length;
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  return `${n(errors, 'error')}, ${n(warnings, 'warning')} in ${n(files, 'file')}`;
}
