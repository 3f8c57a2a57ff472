/** Sagas (SPEC §7): durable step lists started by events or over HTTP. */
import type { Feature } from '../runtime/Feature.js';

export const sagasFeature: Feature = { name: 'sagas' };
