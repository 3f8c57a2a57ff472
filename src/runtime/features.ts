/** The features every app runs, in install order (services stop in reverse order). */
import { projectionsFeature } from '../projections/projectionsFeature.js';
import { publishersFeature } from '../publishers/publishersFeature.js';
import { sagasFeature } from '../sagas/sagasFeature.js';
import type { Feature } from './Feature.js';

export const FEATURES: readonly Feature[] = [projectionsFeature, sagasFeature, publishersFeature];
