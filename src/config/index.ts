/** The config model: load, validate, cross-check. */
export { loadConfig, loadConfigText, validateDocument, modelToJson, type LoadConfigOptions, type LoadedConfig } from './loadConfig.js';
export { normaliseAliases, CanonicalTree } from './aliases/index.js';
export { crossCheck, BUILTIN_TRANSFORMS, isBuiltinTransform, type ExpressionChecker, type ExprSiteScope } from './checks/index.js';
export { issuesToDiagnostics } from './issues.js';
export * from './schema/index.js';
