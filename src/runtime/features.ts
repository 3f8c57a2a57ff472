/** The features every app runs, in install order (services stop in reverse order). */
import { archiveFeature } from '../archive/archiveFeature.js';
import { cacheFeature } from '../cache/cacheFeature.js';
import { deadLettersFeature } from '../consumers/deadLetters/deadLettersFeature.js';
import { personalDataFeature } from '../personalData/personalDataFeature.js';
import { projectionsFeature } from '../projections/projectionsFeature.js';
import { publishersFeature } from '../publishers/publishersFeature.js';
import { retentionFeature } from '../retention/retentionFeature.js';
import { sagasFeature } from '../sagas/sagasFeature.js';
import { telemetryFeature } from '../telemetry/telemetryFeature.js';
import { tenantsFeature } from '../tenancy/registry/tenantsFeature.js';
import type { Feature } from './Feature.js';

// Telemetry comes first (every other part traces through it, and it stops last, exporting
// their final spans); then the cache: any feature that loads aggregates while it starts goes through it.
export const FEATURES: readonly Feature[] = [
  telemetryFeature,
  cacheFeature,
  projectionsFeature,
  sagasFeature,
  publishersFeature,
  personalDataFeature,
  archiveFeature,
  deadLettersFeature,
  tenantsFeature,
  retentionFeature,
];
