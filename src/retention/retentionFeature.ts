/**
 * Retention and deletion of streams (issue 16 item 2): soft delete (a tombstone), hard delete
 * and truncate-before-version (queued, run in the background), retention per aggregate.
 * Installing starts the removal job (RemovalRunner) as a runtime service.
 */
import { randomUUID } from 'node:crypto';
import type { RetentionConfig } from '../config/schema/aggregates.js';
import type { Feature } from '../runtime/Feature.js';
import type { Runtime } from '../runtime/Runtime.js';
import { RemovalRunner } from './RemovalRunner.js';
import { registerRemovalRoutes } from './removalRoutes.js';
import { StreamRemover } from './StreamRemover.js';

/** Timing of the removal job (tests shorten it). */
export interface RetentionFeatureOptions {
  pollMs?: number;
  leaseTtlMs?: number;
}

const runners = new WeakMap<Runtime, RemovalRunner>();

/** The removal job of `runtime` (routes wake it after queueing a removal). */
export function removalRunnerOf(runtime: Runtime): RemovalRunner | undefined {
  return runners.get(runtime);
}

/** The retention feature with the given timing. */
export function createRetentionFeature(options: RetentionFeatureOptions = {}): Feature {
  return {
    name: 'retention',
    async install(runtime: Runtime) {
      const retention = new Map<string, RetentionConfig>();
      for (const [name, aggregate] of Object.entries(runtime.model.aggregates))
        if (aggregate.retention !== undefined) retention.set(name, aggregate.retention);
      const defaults = runtime.model.projection_defaults;
      const env = {
        store: runtime.store,
        logger: runtime.logger,
        owner: randomUUID(),
        // Idle polls are for removals queued by other processes; this one wakes the job at once.
        pollIntervalMs: options.pollMs ?? Math.max(defaults.poll_interval, 5_000),
        leaseTtlMs: options.leaseTtlMs ?? defaults.lease_ttl,
      };
      const runner = new RemovalRunner(env, new StreamRemover(runtime.engine, runtime.model), retention);
      runners.set(runtime, runner);
      await runtime.addService({ name: 'retention', start: () => runner.start(), stop: () => runner.stop() });
    },
    routes: registerRemovalRoutes,
  };
}

/** The retention feature every app runs. */
export const retentionFeature: Feature = createRetentionFeature();
