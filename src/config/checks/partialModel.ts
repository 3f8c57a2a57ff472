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
import type { AppConfig } from '../schema/app.js';
import { isPlainObject } from '../paths.js';

export interface PartialModel {
  aggregates: Record<string, AggregateConfig>;
  events: Record<string, EventConfig>;
  projections: Record<string, ProjectionConfig>;
  migrations: Record<string, MigrationConfig>;
  sagas: Record<string, SagaConfig>;
  subscribers: Record<string, SubscriberConfig>;
}

function entries<S extends z.ZodType>(schema: S, block: unknown): Record<string, z.infer<S>> {
  const out: Record<string, z.infer<S>> = {};
  if (!isPlainObject(block)) return out;
  for (const [k, v] of Object.entries(block)) {
    const r = schema.safeParse(v);
    if (r.success) out[k] = r.data;
  }
  return out;
}

/** The full model when it validated, else every entry that validated on its own. */
export function partialModel(canonical: Record<string, unknown>, full: AppConfig | undefined): PartialModel {
  if (full) {
    const { aggregates, events, projections, sagas, subscribers } = full;
    return { aggregates, events, projections, sagas, subscribers, migrations: full.event_versioning.migrations };
  }
  const versioning = canonical.event_versioning;
  return {
    aggregates: entries(aggregateSchema, canonical.aggregates),
    events: entries(eventSchema, canonical.events),
    projections: entries(projectionSchema, canonical.projections),
    migrations: entries(migrationSchema, isPlainObject(versioning) ? versioning.migrations : undefined),
    sagas: entries(sagaSchema, canonical.sagas),
    subscribers: entries(subscriberSchema, canonical.subscribers),
  };
}
