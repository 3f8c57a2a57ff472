/**
 * Poison events: what a consumer does with an event it keeps failing on (`on_error`), once its
 * `max_retries` are used up. See README.md, "Failures".
 */
import type { SqlExecutor, StoredEvent } from '../store/EventStore.js';

/**
 * `stop`: the consumer stops (`failed`) until restarted or rebuilt; `skip`: the event is recorded
 * as a dead letter (status skipped) and the consumer goes on; `park`: the event is recorded as a
 * parked dead letter, and the later events of its stream are held back (recorded, not handled)
 * until a retry releases them, so order per stream is kept while the other streams go on.
 */
export type OnError = 'stop' | 'skip' | 'park';

/** The on_error values, for config schemas. */
export const ON_ERROR_VALUES = ['stop', 'skip', 'park'] as const satisfies readonly OnError[];

/** Thrown (by Batch.giveUp under `stop`) to stop the consumer: the loop ends in state `failed`. */
export class ConsumerStopped extends Error {
  constructor(
    message: string,
    readonly event?: StoredEvent,
  ) {
    super(message);
    this.name = 'ConsumerStopped';
  }
}

/**
 * How a retry of a dead letter (POST /dead-letters/{id}/retry) handles its events again, in
 * log order but late: in the retry's transaction (a projection: the rows and the removal of the
 * dead letters commit together, so nothing is applied twice), or outside it (a publisher
 * delivers at least once; a saga start is idempotent).
 */
export type Redo =
  | { transactional: true; apply(events: readonly StoredEvent[], tx: SqlExecutor): Promise<void> }
  | { transactional: false; apply(events: readonly StoredEvent[]): Promise<void> };

/** The message of an error, for a dead letter. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
