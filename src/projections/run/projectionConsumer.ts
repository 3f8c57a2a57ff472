/**
 * An async projection (`mode = "async"`) as a consumer of the log (src/consumers): each batch
 * is applied and the checkpoint moved in ONE fenced transaction, so a crash at any point
 * neither loses nor repeats an event, and a process that lost the lease writes nothing. An
 * event the tables refuse (PROJECTION_FAILED) is found (the framework reads the batch again
 * event by event), retried `max_retries` times, then `on_error` applies (default `park`: its
 * stream waits, the others go on; POST /dead-letters/{id}/retry applies it and the events held
 * back behind it, with the dead letters' removal, in one transaction). An unreachable database
 * is waited for.
 */
import type { Upcaster } from '../../engine/upcaster.js';
import { isTuskError } from '../../errors.js';
import type { ConsumerSpec } from '../../consumers/Consumer.js';
import type { OnError } from '../../consumers/poison.js';
import type { EventStore } from '../../store/EventStore.js';
import { applyEvents } from '../apply/applyEvents.js';
import { withMergeFallback } from '../apply/applyInTransaction.js';
import type { CompiledProjection } from '../compile/compileProjection.js';
import type { ProjectionMetrics } from '../ProjectionMetrics.js';
import { liveTables } from '../sql/tableRefs.js';
import { tracedEvents, type Tracing } from '../../telemetry/tracing.js';

/** The consumer of async projection `projection`. */
export function projectionConsumer(
  store: EventStore,
  projection: CompiledProjection,
  upcaster: Upcaster,
  failures: { retryAttempts: number; onError: OnError },
  metrics?: ProjectionMetrics,
  tracing?: Tracing,
): ConsumerSpec {
  const tables = liveTables(store.tables.schema, projection);
  return {
    name: projection.checkpoint,
    types: projection.types,
    batchSize: projection.batchSize,
    partitions: projection.partitions,
    retryAttempts: failures.retryAttempts,
    onError: failures.onError,
    isRefusal: (err) => isTuskError(err) && err.code === 'PROJECTION_FAILED',
    redo: {
      transactional: true,
      async apply(stored, tx) {
        const events = stored.map(upcaster);
        // One event at a time, without merging: a few late events, each applied exactly as the worker would.
        await applyEvents(tx, projection, tables, events, 'none');
        metrics?.events.inc({ projection: projection.name, path: 'async' }, events.length);
      },
    },
    handler: {
      async handle(batch) {
        const events = batch.events.map(upcaster);
        const attributes = { 'tusk.projection': projection.name, 'tusk.projection.mode': 'async', 'tusk.events': events.length };
        const applied = await tracedEvents(
          tracing,
          `projection ${projection.name}`,
          batch.events,
          () =>
            withMergeFallback((merge) =>
              batch.commit(batch.reached, async (tx) => {
                await applyEvents(tx, projection, tables, events, merge);
              }),
            ),
          attributes,
        );
        if (applied) metrics?.events.inc({ projection: projection.name, path: 'async' }, events.length);
      },
    },
  };
}
