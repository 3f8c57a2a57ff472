/**
 * Values that loading could not produce: an unset `@env` (null, already a warning in
 * check), an unsupported operator or a value the parser could not read (null, already an
 * error) and an `@query` that check did
 * not run (deferred). They are dropped before validation so that one fault is reported once
 * and defaults apply, instead of a second "expected string, got null" for the same text.
 */
import { warning, type Diagnostic, type SourceLocation } from '../diagnostics.js';
import type { Path, SourceMap } from '../tsk/document.js';
import { DeferredQuery } from '../tsk/deferredQuery.js';
import { isPlainObject } from './paths.js';

const ALREADY_REPORTED = new Set([
  'TSK_SYNTAX',
  'TSK_ENV_NOT_SET',
  'TSK_UNSUPPORTED_OPERATOR',
  'TSK_OPERATOR_ARGS',
  'TSK_QUERY',
  'TSK_FILE',
]);

/** Removes (in place) nulls produced by reported operator failures from a loaded value. */
export function dropFailedOperators(value: Record<string, unknown>, sourceMap: SourceMap, diagnostics: readonly Diagnostic[]): void {
  const reported = diagnostics.filter((d) => ALREADY_REPORTED.has(d.code) && d.location).map((d) => d.location!);
  if (reported.length === 0) return;
  const producedBy = (path: Path): boolean => {
    const at = sourceMap.get(path)?.value;
    return at !== undefined && reported.some((r) => sameSpot(at, r));
  };
  walk(value, [], (parent, key, path) => {
    if (parent[key] === null && producedBy(path)) delete parent[key];
  });
}

/** Removes (in place) deferred `@query` values from canonical blocks, with one warning each. */
export function dropDeferredQueries(value: Record<string, unknown>): Diagnostic[] {
  const out: Diagnostic[] = [];
  walk(value, [], (parent, key, path) => {
    const v = parent[key];
    if (v instanceof DeferredQuery) {
      out.push(
        warning('TSK_QUERY', '@query is not run by `check` without --db; its value is not validated', v.location, { path: [...path] }),
      );
      delete parent[key];
    }
  });
  return out;
}

// an in-string operator is located inside the quotes, a bare one at the value itself
function sameSpot(value: SourceLocation, op: SourceLocation): boolean {
  return value.file === op.file && value.line === op.line && op.column >= value.column && op.column <= value.column + 3;
}

type Visit = (parent: Record<string, unknown>, key: string, path: Path) => void;

function walk(v: unknown, path: Path, visit: Visit): void {
  if (Array.isArray(v)) {
    // arrays keep their indexes: only objects inside them are visited
    v.forEach((x, i) => walk(x, [...path, i], visit));
  } else if (isPlainObject(v)) {
    for (const key of Object.keys(v)) {
      visit(v, key, [...path, key]);
      if (Object.hasOwn(v, key)) walk(v[key], [...path, key], visit);
    }
  }
}
