/**
 * Compiles one config expression for the engine, once at startup. A config that `check`
 * would reject never reaches here; if one does, the failure names the config path.
 */
import { compileExpression, parseExpression, type EvalLimits } from '../expr/index.js';
import { ConfigError } from '../errors.js';

/** What a compiled engine expression is evaluated against. */
export interface ExprScope {
  /** Root names (`input`, `data`, `metadata`, `aggregate_id`, …). */
  roots: Record<string, unknown>;
  /** Bare names: the fields of the current state. */
  fields: Record<string, unknown>;
  now?: Date;
}

/** A compiled expression. */
export type CompiledExpr = (scope: ExprScope) => unknown;

/** Parses and compiles `text`; `where` is the config path used in the error message. */
export function compileExpr(text: string, where: string, limits?: EvalLimits): CompiledExpr {
  const { ast, diagnostics } = parseExpression(text);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (ast === undefined || errors.length > 0) {
    throw new ConfigError(`${where}: ${errors.map((d) => d.message).join('; ') || 'invalid expression'}`, errors);
  }
  return compileExpression(ast, limits);
}
