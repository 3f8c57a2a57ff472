/**
 * Starts event-triggered sagas: follows the global log (one checkpoint per saga, reading only
 * its `starts_on` types) and starts one instance per triggering event. The start is idempotent
 * (the saga id derives from the event id), so the checkpoint may lag behind the starts: a
 * crash in between re-reads a few events and their second start is a no-op.
 */
import type { Runtime } from '../runtime/Runtime.js';
import type { SagaDefinition } from './compileSaga.js';
import type { SagaMetrics } from './SagaMetrics.js';
import { sagaIdForEvent } from './sagaIds.js';
import { eventData, startSaga, triggerOf } from './startSaga.js';
import { initCheckpoint } from './sql/initCheckpoint.js';

const BATCH = 200;
// Per saga and poll, so one busy trigger type cannot starve the scheduler.
const MAX_BATCHES = 5;

/** The trigger reader of the sagas that have `starts_on`. */
export class TriggerReader {
  private readonly sagas: SagaDefinition[];

  constructor(
    private readonly runtime: Runtime,
    definitions: ReadonlyMap<string, SagaDefinition>,
    private readonly metrics: SagaMetrics,
  ) {
    this.sagas = [...definitions.values()].filter((d) => d.startsOn.length > 0);
  }

  /** The event types that start some saga (a local append of one wakes the scheduler). */
  get triggerTypes(): ReadonlySet<string> {
    return new Set(this.sagas.flatMap((s) => s.startsOn));
  }

  /**
   * Gives every saga that has none a checkpoint at the current head, before this process
   * accepts requests: a saga starts for events appended after it was first deployed, not for
   * the whole history; from then on, for every one of them, across restarts.
   */
  async init(): Promise<void> {
    if (this.sagas.length === 0) return;
    const head = await this.runtime.store.headPosition();
    for (const saga of this.sagas) await initCheckpoint(this.runtime.store, this.runtime.store.tables, checkpointName(saga.name), head);
  }

  /** Starts the sagas of the triggering events appended since the last poll; true if it started any. */
  async poll(mayContinue: () => boolean): Promise<boolean> {
    let startedAny = false;
    for (const saga of this.sagas) {
      const name = checkpointName(saga.name);
      let after = await this.runtime.store.loadCheckpoint(name);
      for (let batch = 0; batch < MAX_BATCHES && mayContinue(); batch++) {
        const events = await this.runtime.store.readAll({ after, limit: BATCH, types: saga.startsOn });
        if (events.length === 0) break;
        for (const stored of events) {
          const event = this.runtime.upcaster(stored);
          const data = eventData(event);
          const created = await startSaga(this.runtime.store, saga, {
            id: sagaIdForEvent(saga.name, event.id),
            data,
            aggregateId: event.streamId,
            trigger: triggerOf(event),
          });
          if (created) {
            startedAny = true;
            this.metrics.sagaStarted(saga.name);
          }
        }
        after = Number(events[events.length - 1]!.position);
        await this.runtime.store.saveCheckpoint(name, after);
        if (events.length < BATCH) break;
      }
    }
    return startedAny;
  }
}

function checkpointName(saga: string): string {
  return `saga-trigger:${saga}`;
}
