/**
 * Loads an app file, running its `@query` operators against the app's own event store
 * (SPEC §1): the file is loaded once to learn where the store is, then again with a query
 * runner. Queries run read-only, with a statement timeout, values bound.
 */
import { loadConfig, type LoadedConfig } from '../config/loadConfig.js';
import type { LoadMode } from '../tsk/document.js';
import { DeferredQuery } from '../tsk/deferredQuery.js';
import { openEventStore } from '../store/index.js';

/** Loads `file`; with `runQueries`, resolves every `@query` through the configured store. */
export async function loadApp(
  file: string,
  options: { mode: LoadMode; runQueries: boolean; allowRoots?: readonly string[] },
): Promise<LoadedConfig> {
  const roots = options.allowRoots ? { allowRoots: options.allowRoots } : {};
  const first = await loadConfig(file, { mode: options.mode, ...roots });
  if (!options.runQueries || !containsQuery(first.document.value) || first.model === undefined) return first;
  let store;
  try {
    store = await openEventStore(first.model.event_store);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return {
      ...first,
      diagnostics: [
        ...first.diagnostics,
        {
          code: 'TSK_QUERY',
          severity: 'error',
          message: `@query needs the event store, which cannot be opened: ${reason}`,
          location: { file, line: 1, column: 1 },
        },
      ],
    };
  }
  try {
    return await loadConfig(file, {
      mode: options.mode,
      ...roots,
      query: async (sql, params) => (await store.query(toNumberedParams(sql), params, { readOnly: true })).rows,
    });
  } finally {
    await store.close();
  }
}

/** True when a loaded tree still holds an unrun `@query`. */
function containsQuery(value: unknown): boolean {
  if (value instanceof DeferredQuery) return true;
  if (Array.isArray(value)) return value.some(containsQuery);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsQuery);
  return false;
}

/** `?` placeholders (outside quotes) become `$1`, `$2`…, so both spellings of SPEC §1 work. */
export function toNumberedParams(sql: string): string {
  if (!sql.includes('?')) return sql;
  let n = 0;
  let quote: string | undefined;
  let out = '';
  for (const ch of sql) {
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else out += ch === '?' ? `$${++n}` : ch;
  }
  return out;
}
