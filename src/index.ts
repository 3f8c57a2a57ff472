/**
 * The public API of tusk-es, for embedding the runtime in a program or building tools on it.
 * The CLI (`tusk-es serve|check|rebuild|print`) is built on exactly these.
 */
export * from './errors.js';
export * from './diagnostics.js';
export type * from './tsk/document.js';
export * from './tsk/index.js';
export { loadConfig, loadConfigText, validateDocument, modelToJson, type LoadConfigOptions, type LoadedConfig } from './config/index.js';
export { appSchema, type AppConfig } from './config/schema/index.js';
export { loadApp } from './runtime/loadApp.js';
export { startApp, type StartedApp, type StartOptions } from './runtime/startApp.js';
export { Runtime, type RuntimeOptions, type RuntimeService } from './runtime/Runtime.js';
export type { Feature } from './runtime/Feature.js';
export { openEventStore } from './store/index.js';
export type * from './store/EventStore.js';
export type { CommandRequest } from './engine/handleCommand.js';
export type { CommandResult } from './engine/EngineContext.js';
export { toEventJson, type EventJson } from './engine/toEventJson.js';
export type { Upcaster } from './engine/upcaster.js';
export { parseExpression, checkExpression, compileExpression, compileToSql, type CheckScope, type EvalScope } from './expr/index.js';
export { compileProjections, type CompiledProjection } from './projections/compile/compileProjection.js';
export { rebuildProjection, type RebuildOptions, type RebuildResult } from './projections/rebuild/rebuildProjection.js';
export { buildUpcaster } from './migrations/buildUpcaster.js';
export { createSagasFeature } from './sagas/sagasFeature.js';
export type { Publisher } from './publishers/Publisher.js';
export { signWebhook, verifyWebhook } from './publishers/webhooks/signature.js';
