/**
 * `unique` fields (SPEC §3): the values an aggregate gains are claimed and the values it
 * loses are released, in the same transaction as the events (the store enforces it).
 */
import type { UniqueValue } from '../store/EventStore.js';
import type { AggregateState } from './evolve.js';

export type { UniqueValue };

/** Claims and releases between two states of one aggregate. */
export function uniqueChanges(
  fields: readonly string[],
  before: AggregateState,
  after: AggregateState,
): { claim: UniqueValue[]; release: UniqueValue[] } {
  const claim: UniqueValue[] = [];
  const release: UniqueValue[] = [];
  for (const field of fields) {
    const old = keyOf(before[field]);
    const now = keyOf(after[field]);
    if (old === now) continue;
    if (old !== undefined) release.push({ field, value: old });
    if (now !== undefined) claim.push({ field, value: now });
  }
  return { claim, release };
}

/** Unique values compare as their JSON text (strings as themselves); null/absent hold nothing. */
function keyOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
