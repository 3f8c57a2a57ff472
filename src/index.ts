/** The public API of tusk-es. */
export * from './errors.js';
export * from './diagnostics.js';
export type * from './tsk/document.js';
export * from './tsk/index.js';
