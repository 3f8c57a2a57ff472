/**
 * `loadTsk`: read, parse, evaluate (with includes), then resolve `@query` when a runner is
 * given. Never throws on bad input: everything wrong becomes a located diagnostic.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { error, sortDiagnostics, type Diagnostic, type SourceLocation } from '../diagnostics.js';
import type { TskFileAst } from './ast.js';
import type { LoadOptions, TskDocument } from './document.js';
import { Evaluator } from './evaluate.js';
import type { IncludedFile, LoadContext } from './operators/context.js';
import { includeRoots, refusal } from './operators/includeRoots.js';
import { resolveQueries } from './operators/query.js';
import { oneLine, parseTsk, type ItemSink } from './parse.js';
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
  const value = evaluateText(text, file, sourceMap, context, cache);
  await resolveQueries(value, context);
  return { file, value, sourceMap, diagnostics: capPerFile(context.diagnostics).map(oneLine), secrets: context.secrets };
}

/** Errors shown per file; past it, one "… and N more" (a file of code-like content gives hundreds). */
export const MAX_ERRORS_PER_FILE = 20;

function capPerFile(diags: Diagnostic[]): Diagnostic[] {
  const counts = new Map<string, number>();
  for (const d of diags) if (d.severity === 'error' && d.location) counts.set(d.location.file, (counts.get(d.location.file) ?? 0) + 1);
  if (![...counts.values()].some((n) => n > MAX_ERRORS_PER_FILE)) return diags;
  const out: Diagnostic[] = [];
  const seen = new Map<string, number>();
  for (const d of sortDiagnostics(diags)) {
    const file = d.location?.file;
    if (d.severity !== 'error' || file === undefined) {
      out.push(d);
      continue;
    }
    const n = (seen.get(file) ?? 0) + 1;
    seen.set(file, n);
    if (n <= MAX_ERRORS_PER_FILE) out.push(d);
    else if (n === MAX_ERRORS_PER_FILE + 1) {
      const more = counts.get(file)! - MAX_ERRORS_PER_FILE;
      out.push(
        error(
          d.code,
          `… and ${more} more error${more === 1 ? '' : 's'} in this file (the first ${MAX_ERRORS_PER_FILE} are shown; fix those first)`,
          d.location,
        ),
      );
    }
  }
  return out;
}

function evaluateText(
  text: string,
  file: string,
  sourceMap: PathSourceMap,
  context: LoadContext,
  cache: Map<string, IncludedFile>,
): Record<string, unknown> {
  const streaming = new StreamedEvaluation(file, sourceMap, context, cache);
  const parsed = parseTsk(text, file, streaming);
  const evaluated = streaming.end();
  context.diagnostics.push(...parsed.diagnostics);
  if (!parsed.ast) return {};
  const before = context.diagnostics.length;
  if (parsed.streamed) {
    context.diagnostics.push(...evaluated.diagnostics);
    if (evaluated.failure !== undefined) return internalError(evaluated.failure, file, context);
    dropCascades(context.diagnostics, before, file, parsed.broken);
    return evaluated.value;
  }
  try {
    const value = new Evaluator(file, sourceMap, context).evaluateFile(parsed.ast);
    dropCascades(context.diagnostics, before, file, parsed.broken);
    return value;
  } catch (err) {
    return internalError(err, file, context);
  }
}

/** A bug, not bad input: keep the promise of never throwing, but say so loudly. */
function internalError(err: unknown, file: string, context: LoadContext): Record<string, unknown> {
  context.diagnostics.push(
    error('TSK_SYNTAX', `internal evaluator error: ${err instanceof Error ? err.message : String(err)}`, { file, line: 1, column: 1 }),
  );
  return {};
}

/**
 * Evaluates a file's items as the parser hands them over (an error-free file comes piece by
 * piece, so its AST is never alive whole). Its findings are held apart until the parse is
 * done, so they follow the parse's as they would after a whole parse; at a syntax error
 * (`restart`) everything it did is undone (findings, secrets, `@query` count, source map,
 * files it included) and the file is evaluated again from its whole AST.
 */
class StreamedEvaluation implements ItemSink {
  private evaluator: Evaluator;
  private readonly outer: Diagnostic[];
  private readonly held: Diagnostic[] = [];
  private failure: unknown;
  private readonly start: { secrets: number; queries: number; cached: number };

  constructor(
    private readonly file: string,
    private readonly sourceMap: PathSourceMap,
    private readonly context: LoadContext,
    private readonly cache: Map<string, IncludedFile>,
  ) {
    this.evaluator = new Evaluator(file, sourceMap, context);
    this.outer = context.diagnostics;
    this.start = { secrets: context.secrets.size, queries: context.queryCount, cached: cache.size };
    context.diagnostics = this.held;
  }

  items(items: TskFileAst['items']): void {
    if (this.failure !== undefined) return;
    try {
      this.evaluator.add(items);
    } catch (err) {
      this.failure = err ?? new Error('undefined thrown');
    }
  }

  restart(): void {
    this.held.length = 0;
    this.failure = undefined;
    this.context.queryCount = this.start.queries;
    dropAfter(this.context.secrets, this.start.secrets);
    dropAfter(this.cache, this.start.cached);
    this.sourceMap.clear();
    this.evaluator = new Evaluator(this.file, this.sourceMap, this.context);
  }

  /** Gives the context its findings list back; what was evaluated, and what was found. */
  end(): { value: Record<string, unknown>; diagnostics: Diagnostic[]; failure: unknown } {
    this.context.diagnostics = this.outer;
    if (this.failure === undefined) this.items([]); // an empty file still has its root located
    return { value: this.evaluator.result, diagnostics: this.held, failure: this.failure };
  }
}

/** Removes what was added to a Set or Map after its first `size` entries (both keep insertion order). */
function dropAfter(collection: Set<string> | Map<string, unknown>, size: number): void {
  let i = 0;
  for (const key of [...collection.keys()]) if (i++ >= size) collection.delete(key);
}

/** Findings of evaluation on lines whose statement failed to parse are cascades of that error. */
function dropCascades(diags: Diagnostic[], from: number, file: string, broken: ((line: number) => boolean) | undefined): void {
  if (!broken) return;
  let w = from;
  for (let r = from; r < diags.length; r++) {
    const d = diags[r]!;
    if (d.location?.file === file && broken(d.location.line)) continue;
    diags[w++] = d;
  }
  diags.length = w;
}

function includeFile(
  display: string,
  at: SourceLocation,
  written: string,
  context: LoadContext,
  cache: Map<string, IncludedFile>,
): IncludedFile | undefined {
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
    const value = evaluateText(text, display, sourceMap, context, cache);
    const included = { value, sourceMap };
    cache.set(abs, included);
    return included;
  } finally {
    stack.pop();
  }
}

export type { Diagnostic };
