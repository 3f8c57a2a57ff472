/**
 * Event migrations (SPEC §6): the upcaster of a model's `event_versioning` chains, compiled
 * once at startup. Upcasting runs on every read, so the per-event path is a map lookup, a
 * version compare and, only for old events, the step closures.
 */
import type { AppConfig, MigrationConfig } from '../config/schema/index.js';
import { migrationEvent } from '../config/checks/migrations.js';
import { stableHash } from '../engine/stableHash.js';
import { identityUpcaster, type Upcaster } from '../engine/upcaster.js';
import type { StoredEvent } from '../store/EventStore.js';
import { compileChains } from './compileChains.js';
import { isObject, type EventData } from './jsonFields.js';

// Part of the fingerprint: bump it when a built-in transform changes what it produces, so
// snapshots folded from the old output are not reused.
const IMPLEMENTATION = 1;

/** Compiles the model's migrations into one Upcaster (identity when there are none). */
export function buildUpcaster(model: Pick<AppConfig, 'event_versioning'>): Upcaster {
  return upcasterFor(model.event_versioning.migrations);
}

/** The Upcaster of a set of migrations (name → migration), e.g. for benchmarks and tests. */
export function upcasterFor(migrations: Readonly<Record<string, MigrationConfig>>): Upcaster {
  const chains = compileChains(migrations);
  if (chains.size === 0) return identityUpcaster;
  const upcast = (event: StoredEvent): StoredEvent => {
    const chain = chains.get(event.type);
    // Events of a newer version than the chains know (a config rolled back) are left alone.
    if (chain === undefined || event.eventVersion >= chain.newest || !isObject(event.data)) return event;
    const { steps } = chain;
    let data: EventData = event.data;
    for (let i = chain.startAt[event.eventVersion] ?? 0; i < steps.length; i++) data = steps[i]!.run(data, event);
    return { ...event, data, eventVersion: chain.newest };
  };
  const fingerprint = `migrations:${stableHash({ implementation: IMPLEMENTATION, chains: describe(migrations) })}`;
  return Object.assign(upcast, { fingerprint, newestVersion: (type: string) => chains.get(type)?.newest });
}

// Only what changes the output counts, so renaming a migration's key keeps snapshots valid.
function describe(migrations: Readonly<Record<string, MigrationConfig>>): unknown[] {
  return Object.entries(migrations)
    .map(([key, m]) => ({ event: migrationEvent(key, m) ?? key, from: m.from_version, to: m.to_version, changes: m.changes }))
    .sort((a, b) => (a.event < b.event ? -1 : a.event > b.event ? 1 : a.from - b.from));
}
