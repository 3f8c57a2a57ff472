/**
 * Starts event-triggered sagas: a consumer of the log (src/consumers) per saga with
 * `starts_on`, reading only those types, that starts one instance per triggering event. It
 * starts at the head of the log when the saga is first deployed (a saga starts for events
 * appended after it was deployed, not for the whole history), and from its checkpoint on,
 * across restarts. The start is idempotent (the saga id derives from the event, sagaIds.ts), so a crash
 * between the starts and the checkpoint re-reads a few events whose second start is a no-op.
 * A start the store refuses (a 4xx error, a value the database refuses) is the event's fault:
 * retried `max_retries` times, then the saga's `on_error` applies (default `park`); a retry from
 * the dead letters starts it then.
 */
import type { ConsumerSpec } from '../consumers/Consumer.js';
import { isTuskError } from '../errors.js';
import type { StoredEvent } from '../store/EventStore.js';
import { SAGA_HASH_IDS_UNTIL } from '../store/migrations/schemaMigrations.js';
import { sqlState } from '../store/SqlClient.js';
import type { Runtime } from '../runtime/Runtime.js';
import type { SagaDefinition } from './compileSaga.js';
import type { SagaMetrics } from './SagaMetrics.js';
import { sagaIdForEvent } from './sagaIds.js';
import { eventData, startSaga, triggerOf } from './startSaga.js';

/** The trigger consumer of `saga`; `started` is told when it started an instance. */
export function sagaTriggerConsumer(runtime: Runtime, saga: SagaDefinition, metrics: SagaMetrics, started: () => void): ConsumerSpec {
  let hashUntil: Promise<number> | undefined;
  return {
    name: `saga-trigger:${saga.name}`,
    types: saga.startsOn,
    batchSize: 200,
    partitions: saga.partitions,
    startAt: 'head',
    retryAttempts: saga.maxRetries,
    onError: saga.onError,
    isRefusal,
    redo: {
      transactional: false,
      async apply(events) {
        for (const e of events) await start(e);
      },
    },
    handler: {
      async handle(batch) {
        if (!batch.active) return;
        await startAll(batch.events);
      },
    },
  };

  /** The store's SAGA_HASH_IDS_UNTIL (read once; again after a failed read). */
  function hashIdsUntil(): Promise<number> {
    return (hashUntil ??= runtime.store.loadCheckpoint(SAGA_HASH_IDS_UNTIL).catch((err: unknown) => {
      hashUntil = undefined;
      throw err;
    }));
  }

  /**
   * Starts the batch's instances together: each start is one append that waits for a group
   * commit, so one after the other a batch of 200 took 200 commits and the trigger fell behind
   * the events it follows (issue 21's soak: 19 starts/s against 250 orders/s). Together they
   * share a few commits. A stream's events still start in order: the batch goes in waves (the
   * first event of every stream, then the second…), and a wave with a failure ends the batch
   * with its first failure, so no event starts after an earlier one of its stream failed (the
   * consumer retries the batch one event at a time and parks or holds from there; the starts
   * that succeeded are then no-ops).
   */
  async function startAll(events: readonly StoredEvent[]): Promise<void> {
    for (const wave of byStreamOrder(events)) {
      const outcomes = await Promise.allSettled(wave.map((e) => start(e)));
      const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    }
  }

  async function start(stored: StoredEvent): Promise<void> {
    const event = runtime.upcaster(stored);
    const created = await startSaga(runtime.store, saga, {
      id: sagaIdForEvent(saga.name, event, await hashIdsUntil()),
      data: eventData(event),
      aggregateId: event.streamId,
      trigger: triggerOf(event),
    });
    if (created) {
      metrics.sagaStarted(saga.name);
      started();
    }
  }
}

/** `events` in waves: the k-th wave holds the k-th event of each stream, in log order. */
function byStreamOrder(events: readonly StoredEvent[]): StoredEvent[][] {
  const waves: StoredEvent[][] = [];
  const seen = new Map<string, number>();
  for (const e of events) {
    const key = `${e.streamType}\u0000${e.streamId}`;
    const k = seen.get(key) ?? 0;
    seen.set(key, k + 1);
    (waves[k] ??= []).push(e);
  }
  return waves;
}

/** A start refused for what the event holds (4xx, or data the database refuses: SQLSTATE 22, 23), not for an outage. */
function isRefusal(err: unknown): boolean {
  if (isTuskError(err)) return err.status >= 400 && err.status < 500;
  return /^2[23]/.test(sqlState(err) ?? '');
}
