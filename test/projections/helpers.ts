/** Helpers of the projection tests: apps from .tsk text, seed 000's projection block, polling. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfigText } from '../../src/config/index.js';
import type { AppConfig } from '../../src/config/schema/index.js';
import { buildUpcaster } from '../../src/migrations/buildUpcaster.js';
import { createProjectionsFeature } from '../../src/projections/projectionsFeature.js';
import { projectionSystemOf, type ProjectionSystem } from '../../src/projections/ProjectionSystem.js';
import { Runtime } from '../../src/runtime/Runtime.js';
import type { EventStore } from '../../src/store/EventStore.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

/** Seed 000's projection_config exactly as the seed writes it. */
export const SEED_PROJECTIONS = readFileSync(join(FIXTURES, 'seeds', '000_projection_config.tsk'), 'utf8');
/** Aggregates whose commands emit every event the seed's projections name. */
export const SEED_AGGREGATES = readFileSync(join(import.meta.dirname, 'fixtures', 'seed_aggregates.tsk'), 'utf8');

/** The model of `text` (serve mode); throws with the diagnostics when it has errors. */
export async function modelOf(text: string, file = 'app.tsk'): Promise<AppConfig> {
  const loaded = await loadConfigText(text, file, { mode: 'serve', env: {} });
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (loaded.model === undefined || errors.length > 0)
    throw new Error(`bad test app:\n${loaded.diagnostics.map((d) => `${d.location?.line}:${d.location?.column} ${d.message}`).join('\n')}`);
  return loaded.model;
}

/** Polls `read` until `ok` holds (30 s at most). */
export async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: last value ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A runtime of `model` on `store` with the projections feature installed (no HTTP). */
export async function startRuntime(
  model: AppConfig,
  store: EventStore,
  options: { leaseTtlMs?: number } = {},
): Promise<{ runtime: Runtime; system: ProjectionSystem; close(): Promise<void> }> {
  const runtime = new Runtime({ model, store, logger: pino({ level: 'silent' }), upcaster: buildUpcaster(model), ownsStore: false });
  await createProjectionsFeature(options).install!(runtime);
  return { runtime, system: projectionSystemOf(runtime)!, close: () => runtime.close() };
}

/** Every row of projection `name`, in key order (at most 1000). */
export async function allRows(system: ProjectionSystem, name: string): Promise<Record<string, unknown>[]> {
  return system.rows(name, { filters: new Map(), order: [], limit: 1000, offset: 0 });
}
