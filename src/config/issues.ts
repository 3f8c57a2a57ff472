/**
 * zod issues → located diagnostics. The issue path is canonical; the message names the
 * path the user wrote and the location is that text (the key, for an unknown key).
 */
import type { z } from 'zod';
import { valueText } from '../util/valueText.js';
import { error, type Diagnostic } from '../diagnostics.js';
import type { Path } from '../tsk/document.js';
import type { CanonicalTree } from './aliases/CanonicalTree.js';
import { didYouMean } from './didYouMean.js';
import { formatPath, isPlainObject } from './paths.js';
import { knownKeysAt } from './schemaKeys.js';

type Issue = z.core.$ZodIssue;

/** One diagnostic per issue (per key for unknown keys), located through the alias origins. */
export function issuesToDiagnostics(issues: readonly Issue[], tree: CanonicalTree, schema: z.ZodType): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of flatten(issues, [], tree)) {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)) as Path;
    const where = formatPath(tree.originOf(path)) || '(top level)';
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, path);
      for (const key of issue.keys) {
        const keyPath = [...path, key];
        const origin = tree.originOf(keyPath);
        out.push(
          error('CONFIG_UNKNOWN_KEY', `${formatPath(origin)}: unknown key${didYouMean(key, known)}`, tree.locateKey(keyPath), {
            path: [...origin],
          }),
        );
      }
      continue;
    }
    out.push(
      error('CONFIG_INVALID', `${where}: ${describe(issue, tree.get(path))}`, tree.locate(path), { path: [...tree.originOf(path)] }),
    );
  }
  return out;
}

/** Replaces each union failure by the issues of the branch the value was meant for. */
function flatten(issues: readonly Issue[], prefix: Path, tree: CanonicalTree): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...(issue.path as Path)];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      out.push(...flatten(bestBranch(issue.errors), path, tree));
      continue;
    }
    out.push({ ...issue, path });
  }
  return out;
}

// the branch whose failures are deepest (it matched the value's shape), then the fewest
function bestBranch(branches: readonly (readonly Issue[])[]): readonly Issue[] {
  const score = (b: readonly Issue[]) => {
    const rootTypeMiss = b.some((i) => i.path.length === 0 && i.code === 'invalid_type');
    return (rootTypeMiss ? 1000 : 0) + b.length;
  };
  return [...branches].sort((a, b) => score(a) - score(b))[0] ?? [];
}

function describe(issue: Issue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return `is required (${expected(issue.expected)})`;
      return `expected ${expected(issue.expected)}, got ${kind(value)}`;
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${JSON.stringify(value) ?? kind(value)}`;
    case 'too_small':
      return issue.origin === 'array' ? `needs at least ${issue.minimum} item(s)` : issue.message;
    default:
      return issue.message;
  }
}

function expected(type: string): string {
  return type === 'record' || type === 'object' ? 'an object' : type === 'array' ? 'a list' : type === 'int' ? 'an integer' : `a ${type}`;
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (isPlainObject(v)) return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v} ${valueText(v)}`;
}
