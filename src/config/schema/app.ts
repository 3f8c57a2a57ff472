/**
 * The whole app model: the canonical top-level blocks. Seed spellings are rewritten into
 * these by the alias step before this schema runs, so there is one shape to validate.
 */
import { z } from 'zod';
import { aggregatesSchema } from './aggregates.js';
import { cacheSchema } from './cache.js';
import { eventsSchema } from './events.js';
import { eventStoreSchema } from './eventStore.js';
import { eventVersioningSchema } from './eventVersioning.js';
import { limitsSchema } from './limits.js';
import { projectionDefaultsSchema, projectionsSchema } from './projections.js';
import { publishersSchema, subscribersSchema } from './publishers.js';
import { sagasSchema } from './sagas.js';
import { serverSchema } from './server.js';
import { snapshotsSchema } from './snapshots.js';
import { telemetrySchema } from './telemetry.js';
import { testsSchema } from './tests.js';

export const appSchema = z.strictObject({
  event_store: eventStoreSchema.default(eventStoreSchema.parse({})),
  cache: cacheSchema.optional(),
  aggregates: aggregatesSchema,
  events: eventsSchema,
  projections: projectionsSchema,
  projection_defaults: projectionDefaultsSchema,
  event_versioning: eventVersioningSchema,
  snapshots: snapshotsSchema.default(snapshotsSchema.parse({})),
  sagas: sagasSchema,
  publishers: publishersSchema,
  subscribers: subscribersSchema,
  server: serverSchema.default(serverSchema.parse({})),
  tests: testsSchema,
  limits: limitsSchema.default(limitsSchema.parse({})),
  telemetry: telemetrySchema.optional(),
});

/** The validated, normalised app model every runtime part reads. */
export type AppConfig = z.infer<typeof appSchema>;

/** The canonical top-level block names. */
export const CANONICAL_BLOCKS = Object.keys(appSchema.shape) as (keyof AppConfig)[];
