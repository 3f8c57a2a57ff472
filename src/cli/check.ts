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
}

/** Runs `check` and resolves to the exit code. */
export async function checkCommand(files: string[], opts: CheckOptions): Promise<number> {
  const all: Diagnostic[] = [];
  const models: string[] = [];
  const ddl: string[] = [];
  for (const file of files) {
    const loaded = await loadApp(file, { mode: 'check', runQueries: opts.db });
    all.push(...loaded.diagnostics);
    if (opts.printModel && loaded.model) models.push(modelToJson(loaded.model, loaded.document.secrets));
    if (opts.ddl && loaded.model && !hasFailures(loaded.diagnostics)) ddl.push(`-- ${file}\n${projectionDdl(loaded.model)}`);
  }
  report(all, opts.format);
  if (opts.format === 'text') process.stderr.write(`${summary(all, files.length)}\n`);
  for (const m of models) process.stdout.write(`${m}\n`);
  for (const d of ddl) process.stdout.write(d);
  return hasFailures(all, opts.strict) ? 1 : 0;
}

function report(diags: readonly Diagnostic[], format: CheckOptions['format']): void {
  if (format === 'json') process.stdout.write(`${formatJson(diags)}\n`);
  else if (format === 'github') {
    if (diags.length > 0) process.stdout.write(`${formatGithub(diags)}\n`);
  } else if (diags.length > 0) process.stderr.write(`${formatText(diags, { color: stderrColor() })}\n`);
}

/** `2 errors, 3 warnings in 1 file`. */
export function summary(diags: readonly Diagnostic[], files: number): string {
  const errors = diags.filter((d) => d.severity === 'error').length;
  const warnings = diags.length - errors;
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  return `${n(errors, 'error')}, ${n(warnings, 'warning')} in ${n(files, 'file')}`;
}
