/**
 * Canonical paths of command parts. The model normalises `emits`/`emit` into a list and
 * string rules into `{ when }`; diagnostics must point at what was written.
 */
import type { Path } from '../../tsk/document.js';
import type { CanonicalTree } from '../aliases/CanonicalTree.js';

/** Path of the i-th emitted event's `type` (or of `emits`). */
export function emitPath(tree: CanonicalTree, agg: string, cmd: string, i: number): Path {
  const base = ['aggregates', agg, 'commands', cmd];
  if (tree.get([...base, 'emits']) !== undefined) return [...base, 'emits'];
  return Array.isArray(tree.get([...base, 'emit'])) ? [...base, 'emit', i] : [...base, 'emit'];
}

/** Path of the i-th `require` rule's expression. */
export function requirePath(tree: CanonicalTree, agg: string, cmd: string, i: number): Path {
  const rule = ['aggregates', agg, 'commands', cmd, 'require', i];
  return typeof tree.get(rule) === 'string' ? rule : [...rule, 'when'];
}
