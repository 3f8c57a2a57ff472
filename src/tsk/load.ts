/**
 * `loadTsk`: read, parse, evaluate (with includes), then resolve `@query` when a runner is
 * given. Never throws on bad input: everything wrong becomes a located diagnostic.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { error, type Diagnostic, type SourceLocation } from '../diagnostics.js';
import type { LoadOptions, TskDocument } from './document.js';
import { Evaluator } from './evaluate.js';
import type { IncludedFile, LoadContext } from './operators/context.js';
import { includeRoots, refusal } from './operators/includeRoots.js';
import { resolveQueries } from './operators/query.js';
import { oneLine, parseTsk } from './parse.js';
import { PathSourceMap } from './sourceMap.js';

/** Reads and loads a .tsk file; a missing or unreadable file is a TSK_FILE diagnostic. */
export async function loadTsk(file: string, options: LoadOptions): Promise<TskDocument> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : err instanceof Error ? err.message : String(err);
    return {
      file,
      value: {},
      sourceMap: new PathSourceMap(),
      diagnostics: [error('TSK_FILE', `cannot read ${file}: ${reason}`, { file, line: 1, column: 1 })],
      secrets: new Set(),
    };
  }
  return loadTskText(text, file, options);
}

/** Loads .tsk text as if it were the file `file` (includes resolve relative to it). */
export async function loadTskText(text: string, file: string, options: LoadOptions): Promise<TskDocument> {
  const context: LoadContext = {
    options,
    diagnostics: [],
    secrets: new Set(),
    includeStack: [resolve(file)],
    queryCount: 0,
    roots: includeRoots(file, options.allowRoots),
    include: () => undefined,
  };
  const cache = new Map<string, IncludedFile>();
  context.include = (display, at, written) => includeFile(display, at, written, context, cache);
  const sourceMap = new PathSourceMap();
  const value = evaluateText(text, file, sourceMap, context);
  await resolveQueries(value, context);
  return { file, value, sourceMap, diagnostics: context.diagnostics.map(oneLine), secrets: context.secrets };
}

function evaluateText(text: string, file: string, sourceMap: PathSourceMap, context: LoadContext): Record<string, unknown> {
  const parsed = parseTsk(text, file);
  context.diagnostics.push(...parsed.diagnostics);
  if (!parsed.ast) return {};
  try {
    return new Evaluator(file, sourceMap, context).evaluateFile(parsed.ast);
  } catch (err) {
    // a bug, not bad input: keep the promise of never throwing, but say so loudly
    context.diagnostics.push(error('TSK_SYNTAX', `internal evaluator error: ${err instanceof Error ? err.message : String(err)}`, { file, line: 1, column: 1 }));
    return {};
  }
}

function includeFile(display: string, at: SourceLocation, written: string, context: LoadContext, cache: Map<string, IncludedFile>): IncludedFile | undefined {
  const abs = resolve(display);
  const refused = refusal(abs, written, context.roots);
  if (refused !== undefined) {
    context.diagnostics.push(error('TSK_FILE', refused, at));
    return undefined;
  }
  const stack = context.includeStack;
  if (stack.includes(abs)) {
    const chain = [...stack.slice(stack.indexOf(abs)), abs].join(' -> ');
    context.diagnostics.push(error('TSK_FILE', `include cycle: ${chain}`, at));
    return undefined;
  }
  const cached = cache.get(abs);
  if (cached) return cached;
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : err instanceof Error ? err.message : String(err);
    context.diagnostics.push(error('TSK_FILE', `cannot include ${display}: ${reason}`, at));
    return undefined;
  }
  stack.push(abs);
  try {
    const sourceMap = new PathSourceMap();
    const value = evaluateText(text, display, sourceMap, context);
    const included = { value, sourceMap };
    cache.set(abs, included);
    return included;
  } finally {
    stack.pop();
  }
}

export type { Diagnostic };
