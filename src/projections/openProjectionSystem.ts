/**
 * The projections of an app for a one-off command (`tusk-es forget`): compiled, their tables
 * ensured, but no worker started and no hook installed (the serving processes keep them).
 */
import { randomUUID } from 'node:crypto';
import type { Runtime } from '../runtime/Runtime.js';
import { compileProjections } from './compile/compileProjection.js';
import { ProjectionMetrics } from './ProjectionMetrics.js';
import { ProjectionSystem } from './ProjectionSystem.js';
import { ensureTables } from './sql/ensureTables.js';

/** A ProjectionSystem of `runtime` whose tables exist. */
export async function openProjectionSystem(runtime: Runtime): Promise<ProjectionSystem> {
  const projections = compileProjections(runtime.model);
  const system = new ProjectionSystem(runtime, projections, new ProjectionMetrics(runtime.metrics.registry), randomUUID());
  const { store } = runtime;
  if (projections.length > 0) {
    await store.transaction(async (tx) => {
      for (const p of projections) await ensureTables(tx, store.tables.schema, p);
    });
  }
  return system;
}
