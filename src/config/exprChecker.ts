/**
 * The bridge from config expression sites to the expression language's checker.
 * TODO(expr): src/expr is being written; until it lands, `check` does not check
 * expressions (every other cross-check runs). Wire `parseExpression(text, location)` +
 * `checkExpression(ast, scope)` here, mapping ExprSiteScope to the expr scope helpers.
 */
import type { ExpressionChecker } from './checks/index.js';

/** The checker `loadConfig` uses by default, or undefined while src/expr is missing. */
export const defaultExpressionChecker: ExpressionChecker | undefined = undefined;
