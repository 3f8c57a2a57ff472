/**
 * The config pipeline (STYLE habit 2): .tsk text → located value → aliases → zod → typed
 * model → cross-checks. Never throws on bad input: every fault is a located diagnostic.
 */
import { hasFailures, type Diagnostic } from '../diagnostics.js';
import type { LoadOptions, TskDocument } from '../tsk/document.js';
import { loadTsk, loadTskText } from '../tsk/load.js';
import { redact } from '../tsk/redact.js';
import { isKnownBlock, normaliseAliases } from './aliases/index.js';
import { crossCheck, type ExpressionChecker } from './checks/index.js';
import { defaultExpressionChecker } from './exprChecker.js';
import { issuesToDiagnostics } from './issues.js';
import { clonePlain } from './paths.js';
import { findProtoHolders, protoKeyErrors } from './protoKeys.js';
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
  const value = copyForPipeline(document.value, withProto);
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

/**
 * A copy of the blocks the pipeline reads and changes (canonical and alias blocks), as
 * `clonePlain` makes it (the objects holding a `__proto__` key go to `withProto`). An unknown
 * block is only warned about by its name, so it is not copied (a large file's unknown blocks
 * were a tenth of its `check`): it gets an empty object, which nothing changes or reads, and is
 * only searched for `__proto__` keys.
 */
function copyForPipeline(value: Record<string, unknown>, withProto: object[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (key === '__proto__') withProto.push(value);
    else if (isKnownBlock(key) || v === null || typeof v !== 'object') out[key] = clonePlain(v, withProto);
    else {
      findProtoHolders(v, withProto);
      out[key] = {};
    }
  }
  return out;
}

/** The model as JSON for `check --print-model`, secrets shown as `***`. */
export function modelToJson(model: AppConfig, secrets: ReadonlySet<string>): string {
  return JSON.stringify(redact(model, secrets), null, 2);
}
