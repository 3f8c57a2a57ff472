/** The compiled form of one aggregate of the config: everything the command pipeline needs. */
import type { Limits } from '../limits.js';
import type { CompiledExpr } from './compileExpr.js';
import type { EventSchemas } from './eventSchemas.js';
import type { CompiledInputSpec } from './validateInput.js';

/** One `require` rule. */
export interface CompiledRule {
  /** The rule text as written (the 422 message when the rule has none). */
  text: string;
  message: string | undefined;
  holds: CompiledExpr;
}

/** One event a command emits. */
export interface CompiledEmit {
  type: string;
  /** field → expression; undefined: the event data is the validated input. */
  data: ReadonlyArray<readonly [string, CompiledExpr]> | undefined;
  metadata: ReadonlyArray<readonly [string, CompiledExpr]> | undefined;
  when: CompiledExpr | undefined;
}

/** One command of an aggregate. */
export interface CommandDefinition {
  name: string;
  creates: boolean;
  input: CompiledInputSpec;
  rules: readonly CompiledRule[];
  emits: readonly CompiledEmit[];
}

/** One aggregate type, compiled once at startup. */
export interface AggregateDefinition {
  name: string;
  initialState: Readonly<Record<string, unknown>>;
  commands: ReadonlyMap<string, CommandDefinition>;
  /** event type → (state field → expression). */
  apply: ReadonlyMap<string, ReadonlyArray<readonly [string, CompiledExpr]>>;
  unique: readonly string[];
  statusField: string;
  /** old status → allowed new statuses; undefined: any change is allowed. */
  transitions: ReadonlyMap<string, ReadonlySet<string>> | undefined;
  /** Take a snapshot every N events; undefined: never. */
  snapshotFrequency: number | undefined;
  maxEvents: number | undefined;
  /**
   * The fold reads nothing but event data, versions and types (no metadata, timestamp,
   * position, NOW()) and no upcasting applies: loads then read FoldEvents (cheaper).
   */
  foldsDataOnly: boolean;
  /** Hash of state + apply + upcaster chains: snapshots taken under another hash are ignored. */
  configHash: string;
  /** The schema version new events of `type` are written at. */
  eventVersion(type: string): number;
  /** Payload schemas of the `events` block, checked before an append. */
  eventSchemas: EventSchemas;
  /** The `limits` block: event data and state sizes are checked before an append. */
  limits: Limits;
}
