/**
 * The expression language (SPEC §4): one parser, a static checker, and two back ends that
 * agree — an evaluator (closures, for commands and folds) and a compiler to parameterised
 * SQL (for projections). See README.md in this folder for the semantics.
 */
export type * from './ast.js';
export { parseExpression, type ParseResult } from './parser.js';
export { checkExpression } from './check/checkExpression.js';
export { ALL_ROOTS, COMMAND_ROOTS, EVENT_ROOTS, type CheckScope } from './check/CheckScope.js';
export { compileExpression, type EvalLimits } from './evaluate/compileExpression.js';
export type { CompiledExpression, EvalScope } from './scope.js';
export { FUNCTIONS, type FunctionSpec, type StaticType } from './functions.js';
export {
  compileToSql,
  type CompiledSql,
  type PathStep,
  type RootRead,
  type SqlContext,
  type SqlFragment,
  type SqlType,
  type ValueOrigin,
} from './sql/compileToSql.js';
export { toColumnType, baseType } from './sql/toColumnType.js';
export { columnClass, type ColumnClass } from './sql/columns.js';
