/** The sagas of one runtime, as the feature installed them (routes look them up here). */
import type { Runtime } from '../runtime/Runtime.js';
import type { SagaDefinition } from './compileSaga.js';
import type { SagaMetrics } from './SagaMetrics.js';
import type { SagaScheduler } from './SagaScheduler.js';

/** What the routes need of the installed sagas. */
export interface SagaSystem {
  definitions: ReadonlyMap<string, SagaDefinition>;
  metrics: SagaMetrics;
  scheduler: SagaScheduler;
}

const systems = new WeakMap<Runtime, SagaSystem>();

/** Records the sagas installed on `runtime`. */
export function setSagaSystem(runtime: Runtime, system: SagaSystem): void {
  systems.set(runtime, system);
}

/** The sagas installed on `runtime` (undefined: the app declares none). */
export function getSagaSystem(runtime: Runtime): SagaSystem | undefined {
  return systems.get(runtime);
}
