/** `valid_status_transitions` (SPEC §3): every change of `status_field` must be allowed. */
import { RuleViolationError } from '../errors.js';
import type { AggregateDefinition } from './AggregateDefinition.js';
import type { AggregateState } from './evolve.js';

/** Throws INVALID_TRANSITION when `before → after` changes the status in a way not listed. */
export function checkTransition(definition: AggregateDefinition, before: AggregateState, after: AggregateState): void {
  const table = definition.transitions;
  if (table === undefined) return;
  const field = definition.statusField;
  const from = before[field];
  const to = after[field];
  if (from === to) return;
  const allowed = table.get(String(from));
  if (allowed === undefined || !allowed.has(String(to))) {
    throw new RuleViolationError(
      `${field} cannot go from '${String(from)}' to '${String(to)}'`,
      { field, from: from ?? null, to: to ?? null },
      'INVALID_TRANSITION',
    );
  }
}
