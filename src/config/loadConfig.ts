/**
 * The config pipeline (STYLE habit 2): .tsk text → located value → aliases → zod → typed
 * model → cross-checks. Never throws on bad input: every fault is a located diagnostic.
 */
import { hasFailures, type Diagnostic } from '../diagnostics.js';
import type { LoadOptions, TskDocument } from '../tsk/document.js';
import { loadTsk, loadTskText } from '../tsk/load.js';
import { redact } from '../tsk/redact.js';
import { normaliseAliases } from './aliases/index.js';
import { crossCheck, type ExpressionChecker } from './checks/index.js';
import { defaultExpressionChecker } from './exprChecker.js';
import { issuesToDiagnostics } from './issues.js';
import { clonePlain } from './paths.js';
import { protoKeyErrors } from './protoKeys.js';
import { appSchema, type AppConfig } from './schema/app.js';
import { dropDeferredQueries, dropFailedOperators } from './unresolved.js';

export interface LoadConfigOptions extends LoadOptions {
  /** Checks expressions; defaults to the expression language's checker. */
  expressionChecker?: ExpressionChecker;
}

export interface LoadedConfig {
  /** Present only when there is no error (warnings allowed). */
  model?: AppConfig;
  diagnostics: Diagnostic[];
  document: TskDocument;
}

/** Loads, validates and cross-checks an app file. */
export async function loadConfig(file: string, options: LoadConfigOptions): Promise<LoadedConfig> {
  return validateDocument(await loadTsk(file, options), options);
}

/** As `loadConfig`, for text that is not (or not yet) on disk. */
export async function loadConfigText(text: string, file: string, options: LoadConfigOptions): Promise<LoadedConfig> {
  return validateDocument(await loadTskText(text, file, options), options);
}

/** Runs the config pipeline on a loaded document. */
export function validateDocument(document: TskDocument, options: Pick<LoadConfigOptions, 'expressionChecker'> = {}): LoadedConfig {
  const diagnostics: Diagnostic[] = [...document.diagnostics];
  // the document stays as loaded (print shows it); the pipeline works on a copy
  const withProto: object[] = [];
  const value = clonePlain(document.value, withProto);
  diagnostics.push(...protoKeyErrors(document.value, withProto, document.sourceMap));
  dropFailedOperators(value, document.sourceMap, document.diagnostics);
  const tree = normaliseAliases(value, document.sourceMap);
  diagnostics.push(...tree.diagnostics, ...dropDeferredQueries(tree.value));
  const parsed = appSchema.safeParse(tree.value);
  if (!parsed.success) diagnostics.push(...issuesToDiagnostics(parsed.error.issues, tree, appSchema));
  const checker = 'expressionChecker' in options ? options.expressionChecker : defaultExpressionChecker;
  diagnostics.push(...crossCheck(tree, parsed.success ? parsed.data : undefined, checker));
  // messages may quote values; a secret must never reach a terminal or a CI log
  const safe = document.secrets.size > 0 ? diagnostics.map((d) => redact(d, document.secrets)) : diagnostics;
  const model = parsed.success && !hasFailures(safe) ? parsed.data : undefined;
  return { ...(model ? { model } : {}), diagnostics: safe, document };
}

/** The model as JSON for `check --print-model`, secrets shown as `***`. */
export function modelToJson(model: AppConfig, secrets: ReadonlySet<string>): string {
  return JSON.stringify(redact(model, secrets), null, 2);
}
