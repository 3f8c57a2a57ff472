/**
 * Groups the migrations by event type into chains, checks that each chain is contiguous,
 * and compiles every step. `check` reports the same faults located in the file
 * (src/config/checks/migrations.ts); this guard is for models that skipped it.
 */
import { migrationEvent } from '../config/checks/migrations.js';
import type { MigrationConfig } from '../config/schema/index.js';
import { ConfigError } from '../errors.js';
import { compileStep, type CompiledStep } from './compileStep.js';

/** The compiled migrations of one event type. */
export interface Chain {
  type: string;
  /** In order; each step starts where the previous one ends. */
  steps: readonly CompiledStep[];
  /** The version the last step produces: new events are written at it. */
  newest: number;
  /** stored version → index of the first step to run (indexes 0…newest). */
  startAt: readonly number[];
}

/** Compiles every chain of `migrations`; a gap, an overlap or a loop is a ConfigError. */
export function compileChains(migrations: Readonly<Record<string, MigrationConfig>>): Map<string, Chain> {
  const byType = new Map<string, CompiledStep[]>();
  for (const [key, m] of Object.entries(migrations)) {
    const type = migrationEvent(key, m);
    if (type === undefined) throw new ConfigError(`event_versioning.migrations.${key}: cannot tell which event this migrates`, []);
    if (m.to_version <= m.from_version) {
      throw new ConfigError(
        `event_versioning.migrations.${key}: to_version ${m.to_version} must be greater than from_version ${m.from_version}`,
        [],
      );
    }
    byType.set(type, [...(byType.get(type) ?? []), compileStep(key, m)]);
  }
  const chains = new Map<string, Chain>();
  for (const [type, steps] of byType) {
    steps.sort((a, b) => a.from - b.from);
    for (let i = 1; i < steps.length; i++) {
      const prev = steps[i - 1]!;
      const cur = steps[i]!;
      if (cur.from !== prev.to) {
        throw new ConfigError(
          `event_versioning.migrations: ${type} goes to v${prev.to} in ${prev.key} but ${cur.key} starts at v${cur.from}`,
          [],
        );
      }
    }
    const newest = steps[steps.length - 1]!.to;
    chains.set(type, { type, steps, newest, startAt: startIndexes(steps, newest) });
  }
  return chains;
}

/**
 * For each stored version, the first step whose from_version is at or above it. A version
 * below the chain's first step runs the whole chain (nothing migrates it further down);
 * one inside a multi-version step (v2 of a v1→v3 step, which never existed) starts after it.
 */
function startIndexes(steps: readonly CompiledStep[], newest: number): number[] {
  const out: number[] = [];
  let i = 0;
  for (let v = 0; v <= newest; v++) {
    while (i < steps.length && steps[i]!.from < v) i++;
    out.push(i);
  }
  return out;
}
