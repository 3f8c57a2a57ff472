/**
 * The parts of the model that validated, entry by entry, so cross-checks still run (and
 * report every fault in one run) when some other entry has a schema error.
 */
import type { z } from 'zod';
import { aggregateSchema, type AggregateConfig } from '../schema/aggregates.js';
import { eventSchema, type EventConfig } from '../schema/events.js';
import { migrationSchema, type MigrationConfig } from '../schema/eventVersioning.js';
import { projectionSchema, type ProjectionConfig } from '../schema/projections.js';
import { subscriberSchema, type SubscriberConfig } from '../schema/publishers.js';
import { sagaSchema, type SagaConfig } from '../schema/sagas.js';
import { scenarioSchema, type ScenarioConfig } from '../schema/tests.js';
import type { AppConfig } from '../schema/app.js';
import { isPlainObject } from '../paths.js';

export interface PartialModel {
  aggregates: Record<string, AggregateConfig>;
  events: Record<string, EventConfig>;
  projections: Record<string, ProjectionConfig>;
  migrations: Record<string, MigrationConfig>;
  sagas: Record<string, SagaConfig>;
  subscribers: Record<string, SubscriberConfig>;
  tests: Record<string, ScenarioConfig>;
}

function entries<S extends z.ZodType>(schema: S, block: unknown): Record<string, z.infer<S>> {
  const out: Record<string, z.infer<S>> = {};
  if (!isPlainObject(block)) return out;
  for (const [k, v] of Object.entries(block)) {
    const valid = validPart(schema, v);
    if (valid !== undefined) out[k] = valid;
  }
  return out;
}

/**
 * The entry without the parts its schema refuses: each refused value is removed (or, when it
 * is missing, the object that needs it), round after round, so one bad duration in a saga
 * does not hide that the same saga names an undeclared command. Undefined when nothing is left.
 */
function validPart<S extends z.ZodType>(schema: S, entry: unknown): z.infer<S> | undefined {
  const value = structuredClone(entry);
  for (let round = 0; round < 8; round++) {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    if (!isPlainObject(value)) return undefined;
    // deepest paths first, so removing one array element does not shift another's index
    // an unknown key is reported at its object, with the keys named: remove just those keys
    const paths = r.error.issues
      .flatMap((i) =>
        i.code === 'unrecognized_keys' ? i.keys.map((k) => [...(i.path as (string | number)[]), k]) : [i.path as (string | number)[]],
      )
      .sort((a, b) => b.length - a.length || String(b.at(-1)).localeCompare(String(a.at(-1))));
    let removed = false;
    for (const path of paths) removed = removeAt(value, path) || removed;
    if (!removed) return undefined;
  }
  return undefined;
}

/** Removes the value at `path`, or the container that lacks it; false when that is the root. */
function removeAt(root: Record<string, unknown>, path: readonly (string | number)[]): boolean {
  for (let end = path.length; end >= 1; end--) {
    const parent = path
      .slice(0, end - 1)
      .reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], root);
    const key = path[end - 1]!;
    if (Array.isArray(parent) && typeof key === 'number' && key < parent.length) {
      parent.splice(key, 1);
      return true;
    }
    if (isPlainObject(parent) && Object.hasOwn(parent, String(key))) {
      delete parent[String(key)];
      return true;
    }
  }
  return false;
}

/** The full model when it validated, else every entry that validated on its own. */
export function partialModel(canonical: Record<string, unknown>, full: AppConfig | undefined): PartialModel {
  if (full) {
    const { aggregates, events, projections, sagas, subscribers, tests } = full;
    return { aggregates, events, projections, sagas, subscribers, tests, migrations: full.event_versioning.migrations };
  }
  const versioning = canonical.event_versioning;
  return {
    aggregates: entries(aggregateSchema, canonical.aggregates),
    events: entries(eventSchema, canonical.events),
    projections: entries(projectionSchema, canonical.projections),
    migrations: entries(migrationSchema, isPlainObject(versioning) ? versioning.migrations : undefined),
    sagas: entries(sagaSchema, canonical.sagas),
    subscribers: entries(subscriberSchema, canonical.subscribers),
    tests: entries(scenarioSchema, canonical.tests),
  };
}
