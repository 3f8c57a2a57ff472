/**
 * Sagas (SPEC §7): durable step lists started by events or over HTTP. Installing compiles the
 * sagas, keeps the saga_instances index inside the append transaction of every saga event,
 * and adds the orchestrator as a runtime service (stopped before the store closes).
 */
import type { Feature } from '../runtime/Feature.js';
import type { Runtime } from '../runtime/Runtime.js';
import type { SqlExecutor, StoredEvent } from '../store/EventStore.js';
import { compileSaga } from './compileSaga.js';
import { SagaMetrics } from './SagaMetrics.js';
import { SagaOrchestrator, type OrchestratorOptions } from './SagaOrchestrator.js';
import { sagaIndexRows } from './sagaIndexRows.js';
import { SAGA_STREAM_TYPE } from './sagaEvents.js';
import { registerSagaRoutes } from './sagaRoutes.js';
import { setSagaSystem } from './SagaSystem.js';
import { writeSagaIndex } from './sql/writeSagaIndex.js';

/** The sagas feature with the given orchestrator timing (tests shorten it). */
export function createSagasFeature(options: OrchestratorOptions = {}): Feature {
  return {
    name: 'sagas',
    async install(runtime: Runtime) {
      const sagas = Object.entries(runtime.model.sagas);
      if (sagas.length === 0) return;
      const definitions = new Map(sagas.map(([name, config]) => [name, compileSaga(name, config, runtime.definitions)] as const));
      const metrics = new SagaMetrics(runtime.metrics.registry);
      const orchestrator = new SagaOrchestrator(runtime, definitions, metrics, options);
      setSagaSystem(runtime, { definitions, metrics, orchestrator });
      const removeHook = runtime.store.addAppendHook(indexHook(runtime));
      await runtime.addService({
        name: 'sagas',
        start: () => orchestrator.start(),
        stop: async () => {
          await orchestrator.stop();
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
function indexHook(runtime: Runtime): (tx: SqlExecutor, events: readonly StoredEvent[]) => Promise<void> {
  return async (tx, events) => {
    if (!events.some((e) => e.streamType === SAGA_STREAM_TYPE)) return;
    await writeSagaIndex(tx, runtime.store.tables, sagaIndexRows(events));
  };
}
