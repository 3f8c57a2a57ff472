/** What the engine functions share: the store, the compiled aggregates and the seams. */
import type { EventStore } from '../store/EventStore.js';
import type { Tracing } from '../telemetry/tracing.js';
import type { AggregateDefinition } from './AggregateDefinition.js';
import type { KeyedMutex } from './keyedMutex.js';
import type { LiveBus } from './liveBus.js';
import type { StateCache } from './StateCache.js';
import type { Upcaster } from './upcaster.js';
import type { EventJson } from './toEventJson.js';

/** Observes command outcomes (metrics); never throws into the pipeline. */
export interface CommandObserver {
  commandFinished(aggregateType: string, command: string, outcome: string, seconds: number): void;
  eventsAppended(count: number): void;
}

/** The engine's dependencies, built once by the runtime. */
export interface EngineContext {
  store: EventStore;
  definitions: ReadonlyMap<string, AggregateDefinition>;
  upcaster: Upcaster;
  bus: LiveBus;
  mutex: KeyedMutex;
  observer?: CommandObserver;
  /** Hot tier for aggregate state (Redis); absent: every load reads snapshot + tail. */
  stateCache?: StateCache;
  /** Most attempts for a command without If-Match that keeps meeting version conflicts. */
  maxAttempts?: number;
  /** How long (ms) such a command keeps retrying; default 10 s. */
  retryBudgetMs?: number;
  /** Spans of each command (validate, load, decide, append); absent: no span work. */
  tracing?: Tracing;
  /** Clock (tests may pin it). */
  now?: () => Date;
}

/** The answer to an accepted command (SPEC §9). */
export interface CommandResult {
  aggregate_id: string;
  version: number;
  position: number;
  events: EventJson[];
}
