/**
 * What an expression may name where it is written. The config layer builds one per
 * expression site (src/config/exprChecker.ts); the checker only reads it.
 */
import type { StaticType } from '../functions.js';

export interface CheckScope {
  /** Root names this site can use (`data`, `input`, `aggregate_id`, …). */
  roots: readonly string[];
  /** Known bare names (state fields or row columns); undefined when bare names are not allowed. */
  fields?: readonly string[];
  /** A bare name outside `fields`: an error (default), or a warning where the list cannot be complete. */
  unknownField?: 'warning' | 'error';
  /** What `fields` are called in messages (default 'field'). */
  fieldNoun?: string;
  /** Declared inputs: `input.x` for another x is an error. Unchecked when undefined. */
  inputs?: readonly string[];
  /** Where the expression is, for messages ("a saga step", "a require rule"). */
  site?: string;
}

/** The names an event carries, for apply, projections, sagas and migrations. */
export const EVENT_ROOTS = [
  'data',
  'metadata',
  'timestamp',
  'version',
  'position',
  'event_type',
  'event_version',
  'aggregate_id',
  'aggregate_type',
] as const;

/** The names a command's `require` and `emit` see. */
export const COMMAND_ROOTS = ['input', 'state', 'aggregate_id', 'aggregate_type', 'metadata', 'timestamp'] as const;

/** Every root name of every scope (to explain "not available here"). */
export const ALL_ROOTS: readonly string[] = [...new Set<string>([...EVENT_ROOTS, ...COMMAND_ROOTS, 'value', 'saga'])];

/** What the checker knows about each root before any event arrives. */
export const ROOT_TYPES: Readonly<Record<string, StaticType>> = {
  aggregate_id: 'string',
  aggregate_type: 'string',
  event_type: 'string',
  event_version: 'number',
  version: 'number',
  position: 'number',
  timestamp: 'string',
  data: 'object',
  metadata: 'object',
  input: 'object',
  state: 'object',
  saga: 'object',
  value: 'any',
};
