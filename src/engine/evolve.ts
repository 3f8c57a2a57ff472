/**
 * How events evolve aggregate state (SPEC §3 `apply`): each field of an apply entry is an
 * expression over the state BEFORE the event (bare names) and the event (`data.*`,
 * `metadata.*`, `timestamp`, `version`, …). Events without an entry shallow-merge their data.
 */
import type { StoredEvent } from '../store/EventStore.js';
import type { AggregateDefinition } from './AggregateDefinition.js';
import type { ExprScope } from './compileExpr.js';

/** Aggregate state: a JSON object. */
export type AggregateState = Record<string, unknown>;

/** The event-side names an apply expression can use. */
export function eventRoots(event: StoredEvent, state: AggregateState): Record<string, unknown> {
  return {
    data: event.data,
    metadata: event.metadata,
    timestamp: event.timestamp.toISOString(),
    version: event.version,
    position: event.position,
    event_type: event.type,
    event_version: event.eventVersion,
    aggregate_id: event.streamId,
    aggregate_type: event.streamType,
    state,
  };
}

/** The state after `event` (a new object; `state` is not modified). */
export function evolve(definition: AggregateDefinition, state: AggregateState, event: StoredEvent): AggregateState {
  const rules = definition.apply.get(event.type);
  if (rules === undefined) {
    const data = event.data;
    return isPlainObject(data) ? { ...state, ...data } : { ...state };
  }
  const scope: ExprScope = { roots: eventRoots(event, state), fields: state, now: event.timestamp };
  const next: AggregateState = { ...state };
  // Evaluate all fields against the old state first, then write: order of fields never matters.
  for (const [field, expr] of rules) next[field] = expr(scope);
  return next;
}

/** Folds `events` over `state`. */
export function evolveAll(definition: AggregateDefinition, state: AggregateState, events: Iterable<StoredEvent>): AggregateState {
  let current = state;
  for (const event of events) current = evolve(definition, current, event);
  return current;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
