/** The features every app runs, in install order (services stop in reverse order). */
import { cacheFeature } from '../cache/cacheFeature.js';
import { personalDataFeature } from '../personalData/personalDataFeature.js';
import { projectionsFeature } from '../projections/projectionsFeature.js';
import { publishersFeature } from '../publishers/publishersFeature.js';
import { sagasFeature } from '../sagas/sagasFeature.js';
import type { Feature } from './Feature.js';

// The cache comes first: any feature that loads aggregates while it starts goes through it.
export const FEATURES: readonly Feature[] = [cacheFeature, projectionsFeature, sagasFeature, publishersFeature, personalDataFeature];
