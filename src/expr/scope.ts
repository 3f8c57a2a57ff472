/** What a compiled expression is evaluated against (the engine's ExprScope has this shape). */
export interface EvalScope {
  /** Root names (`input`, `data`, `metadata`, `aggregate_id`, …); a path whose first name is a key here reads from here. */
  roots: Record<string, unknown>;
  /** Every other first name: the fields of the current state, or the columns of the current row. */
  fields: Record<string, unknown>;
  /** What NOW() returns; the current time when absent. */
  now?: Date;
}

/** An expression compiled for the evaluator. */
export type CompiledExpression = (scope: EvalScope) => unknown;
