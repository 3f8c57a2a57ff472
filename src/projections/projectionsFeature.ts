/** Projections (SPEC §5): read models kept by inline hooks and async workers, rebuild, queries. */
import type { Feature } from '../runtime/Feature.js';

export const projectionsFeature: Feature = { name: 'projections' };
