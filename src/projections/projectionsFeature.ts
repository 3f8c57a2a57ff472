/**
 * Projections (SPEC §5): read models kept by inline hooks and async workers, rebuild, queries.
 * Installing compiles every projection, creates (or completes) its tables, brings inline ones
 * up to the log and hooks them into the append transaction, and starts the async workers.
 */
import { ConsumerMetrics } from '../consumers/ConsumerMetrics.js';
import { registerConsumer } from '../consumers/consumerRegistry.js';
import { LogConsumer } from '../consumers/LogConsumer.js';
import { newOwnerId } from '../consumers/ownerId.js';
import type { Feature } from '../runtime/Feature.js';
import type { Runtime } from '../runtime/Runtime.js';
import { compileProjections } from './compile/compileProjection.js';
import { projectionRoutes } from './projectionRoutes.js';
import { ProjectionMetrics } from './ProjectionMetrics.js';
import { ProjectionSystem } from './ProjectionSystem.js';
import { projectionConsumer } from './run/projectionConsumer.js';
import { catchUpInline, inlineHook } from './run/inlineHook.js';
import { ensureTables } from './sql/ensureTables.js';

/** Timing of the async workers (tests shorten it). */
export interface ProjectionsFeatureOptions {
  leaseTtlMs?: number;
}

/** The projections feature with the given options. */
export function createProjectionsFeature(options: ProjectionsFeatureOptions = {}): Feature {
  return {
    name: 'projections',
    install: (runtime) => install(runtime, options),
    routes: projectionRoutes,
  };
}

/** The projections feature every app runs. */
export const projectionsFeature: Feature = createProjectionsFeature();

async function install(runtime: Runtime, options: ProjectionsFeatureOptions): Promise<void> {
  const { store, logger, upcaster } = runtime;
  const projections = compileProjections(runtime.model);
  const metrics = new ProjectionMetrics(runtime.metrics.registry);
  const system = new ProjectionSystem(runtime, projections, metrics, newOwnerId());
  if (projections.length === 0) return;

  const mismatches = await store.transaction(async (tx) => {
    const all = [];
    for (const p of projections) all.push(...(await ensureTables(tx, store.tables.schema, p)));
    return all;
  });
  for (const m of mismatches) {
    logger.warn(
      m,
      `column ${m.column} of table ${m.table} is ${m.actual}, the config says ${m.configured}; run \`tusk-es rebuild\` to recreate the table`,
    );
  }

  const inline = projections.filter((p) => p.enabled && p.mode === 'inline');
  for (const p of inline) {
    const applied = await catchUpInline(store, p, upcaster, { owner: system.owner });
    if (applied > 0) logger.info({ projection: p.name, events: applied }, 'inline projection caught up with the log');
  }
  const removeHook = inline.length === 0 ? undefined : store.addAppendHook(inlineHook(store, inline, upcaster, runtime.tracing));
  const unsubscribe = runtime.bus.subscribe((events) => {
    for (const p of inline) {
      const n = events.reduce((count, e) => (p.planners.has(e.type) ? count + 1 : count), 0);
      if (n > 0) metrics.events.inc({ projection: p.name, path: 'inline' }, n);
    }
  });

  const defaults = runtime.model.projection_defaults;
  const env = {
    store,
    logger,
    owner: system.owner,
    bus: runtime.bus,
    metrics: ConsumerMetrics.of(runtime.metrics.registry),
    pollIntervalMs: defaults.poll_interval,
    leaseTtlMs: options.leaseTtlMs ?? defaults.lease_ttl,
  };
  for (const p of projections.filter((x) => x.enabled && x.mode === 'async')) {
    const config = runtime.model.projections[p.name];
    const failures = { retryAttempts: config?.max_retries ?? defaults.retry_attempts, onError: config?.on_error ?? defaults.on_error };
    const worker = new LogConsumer(env, projectionConsumer(store, p, upcaster, failures, metrics, runtime.tracing));
    system.workers.set(p.name, worker);
    registerConsumer(runtime, worker);
  }

  await runtime.addService({
    name: 'projections',
    start: () => {
      for (const worker of system.workers.values()) worker.start();
    },
    stop: async () => {
      await Promise.all([...system.workers.values()].map((w) => w.stop()));
      await system.settle();
      unsubscribe();
      removeHook?.();
    },
  });
}
