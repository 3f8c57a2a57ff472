/**
 * System events: events tusk-es itself writes into an aggregate's stream. Their types start
 * with `$`, which `check` refuses for user event types, so they never collide with the app's.
 * - `$deleted`: the tombstone of a soft delete (DELETE /aggregates/{type}/{id}); the stream is
 *   read-only after it. Its data is `{}`; the fold leaves the state as it is.
 * - `$snapshot`: a closing snapshot. A truncation replaces the newest removed event with it, at
 *   that event's version, position and time, so the truncated stream still folds to the same
 *   state: its data is `{ state }`, the state at its version, which the fold starts from.
 * Relays and sagas never see them: they read the app's event types. A projection reads
 * `$snapshot` only through its `on_snapshot` mapping (compileProjection).
 */
import type { AggregateState } from './evolve.js';

/** The tombstone of a soft-deleted stream. */
export const TOMBSTONE = '$deleted';
/** The closing snapshot a truncation leaves at the start of a stream. */
export const CLOSING_SNAPSHOT = '$snapshot';

/** True for an event type tusk-es writes itself. */
export function isSystemEventType(type: string): boolean {
  return type.charCodeAt(0) === 36; // '$'
}

/** The state after system event `type` with `data`: a closing snapshot's state, else `state` unchanged. */
export function foldSystemEvent(state: AggregateState, type: string, data: unknown): AggregateState {
  if (type !== CLOSING_SNAPSHOT) return state;
  const carried = (data as { state?: unknown } | null)?.state;
  return typeof carried === 'object' && carried !== null && !Array.isArray(carried) ? (carried as AggregateState) : state;
}
