/** The config model schemas and their inferred types. */
export * from './app.js';
export * from './aggregates.js';
export * from './cache.js';
export * from './events.js';
export * from './eventStore.js';
export * from './eventVersioning.js';
export * from './limits.js';
export * from './primitives.js';
export * from './projections.js';
export * from './publishers.js';
export * from './sagas.js';
export * from './server.js';
export * from './snapshots.js';
export * from './telemetry.js';
export * from './tests.js';
