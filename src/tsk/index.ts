/** The .tsk language: parse, load (evaluate operators and variables), redact. */
export { parseTsk, type ParseTskResult } from './parse.js';
export { loadTsk, loadTskText } from './load.js';
export { DeferredQuery } from './deferredQuery.js';
export { PathSourceMap } from './sourceMap.js';
export { redact, redactText, REDACTED } from './redact.js';
export { formatPhpDate } from './operators/date.js';
export type * from './ast.js';
export type * from './document.js';
