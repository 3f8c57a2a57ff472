/**
 * Sagas (SPEC §7): durable step lists started by events or over HTTP. Installing compiles the
 * sagas, keeps the saga_instances index inside the append transaction of every saga event,
 * and adds the scheduler and the trigger consumers as a runtime service (stopped before the store closes).
 */
import { ConsumerMetrics } from '../consumers/ConsumerMetrics.js';
import { registerConsumer } from '../consumers/consumerRegistry.js';
import { LogConsumer } from '../consumers/LogConsumer.js';
import type { Feature } from '../runtime/Feature.js';
import type { Runtime } from '../runtime/Runtime.js';
import type { AppendHook } from '../store/EventStore.js';
import { compileSaga } from './compileSaga.js';
import { SagaMetrics } from './SagaMetrics.js';
import { SagaScheduler, type SagaTiming } from './SagaScheduler.js';
import { sagaTriggerConsumer } from './sagaTriggerConsumer.js';
import { sagaIndexRows } from './sagaIndexRows.js';
import { SAGA_STREAM_TYPE } from './sagaEvents.js';
import { registerSagaRoutes } from './sagaRoutes.js';
import { setSagaSystem } from './SagaSystem.js';
import { writeSagaIndex } from './sql/writeSagaIndex.js';

/** The sagas feature with the given timing (tests shorten it). */
export function createSagasFeature(options: SagaTiming = {}): Feature {
  return {
    name: 'sagas',
    async install(runtime: Runtime) {
      const sagas = Object.entries(runtime.model.sagas);
      if (sagas.length === 0) return;
      const definitions = new Map(sagas.map(([name, config]) => [name, compileSaga(name, config, runtime.definitions)] as const));
      const metrics = new SagaMetrics(runtime.metrics.registry);
      const scheduler = new SagaScheduler(runtime, definitions, metrics, options);
      setSagaSystem(runtime, { definitions, metrics, scheduler });
      const env = {
        store: runtime.store,
        logger: runtime.logger,
        owner: scheduler.lease.owner,
        bus: runtime.bus,
        metrics: ConsumerMetrics.of(runtime.metrics.registry),
        pollIntervalMs: options.pollMs ?? 200,
        leaseTtlMs: options.leaseTtlMs ?? Math.min(5_000, runtime.model.projection_defaults.lease_ttl),
      };
      const triggers = [...definitions.values()]
        .filter((d) => d.startsOn.length > 0)
        .map(
          (d) =>
            new LogConsumer(
              env,
              sagaTriggerConsumer(runtime, d, metrics, () => scheduler.wake()),
            ),
        );
      for (const t of triggers) registerConsumer(runtime, t);
      const removeHook = runtime.store.addAppendHook(indexHook(runtime));
      await runtime.addService({
        name: 'sagas',
        start: async () => {
          // before this process accepts requests: see ConsumerSpec.startAt
          for (const t of triggers) await t.init();
          for (const t of triggers) t.start();
          scheduler.start();
        },
        stop: async () => {
          await Promise.all([...triggers.map((t) => t.stop()), scheduler.stop()]);
          removeHook();
        },
      });
    },
    routes: registerSagaRoutes,
  };
}

/** The sagas feature every app runs. */
export const sagasFeature: Feature = createSagasFeature();

/**
 * Runs in every append transaction, and costs one scan of the batch's events when none is a
 * saga event (the common case: no SQL at all). Writing the index in the same transaction as
 * the saga events is what keeps it from ever disagreeing with them, even across a crash.
 */
function indexHook(runtime: Runtime): AppendHook {
  const hook: AppendHook = async (tx, events) => {
    if (!events.some((e) => e.streamType === SAGA_STREAM_TYPE)) return;
    await writeSagaIndex(tx, runtime.store.tables, sagaIndexRows(events));
  };
  // Nothing to write without saga events; with them the batch runs in a transaction.
  hook.fold = (events) => (events.some((e) => e.streamType === SAGA_STREAM_TYPE) ? undefined : []);
  return hook;
}
