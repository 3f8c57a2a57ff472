/** `@query("SQL" [, param…])`: deferred here, resolved after evaluation when a runner is given. */
import { error } from '../../diagnostics.js';
import { DeferredQuery } from '../deferredQuery.js';
import type { LoadContext, OperatorCall } from './context.js';

/** Makes the DeferredQuery placeholder (validating the arguments). */
export function queryOperator(call: OperatorCall): unknown {
  const [sql, ...params] = call.args;
  if (typeof sql !== 'string' || sql.trim() === '') {
    call.context.diagnostics.push(
      error('TSK_OPERATOR_ARGS', '@query takes an SQL string and optional parameters: @query("SELECT …", param…)', call.location),
    );
    return null;
  }
  call.context.queryCount += 1;
  return new DeferredQuery(sql, params, call.location);
}

/** Rows, or the scalar when the result is one row of one column. */
function shape(rows: Record<string, unknown>[]): unknown {
  if (rows.length === 1) {
    const cols = Object.keys(rows[0]!);
    if (cols.length === 1) return rows[0]![cols[0]!];
  }
  return rows;
}

/** Replaces every DeferredQuery in the tree by its result, when the load has a query runner. */
export async function resolveQueries(tree: unknown, context: LoadContext): Promise<void> {
  const run = context.options.query;
  if (!run || context.queryCount === 0) return;
  const visit = async (node: unknown): Promise<void> => {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v: unknown = node[i];
        if (v instanceof DeferredQuery) node[i] = await runOne(v);
        else await visit(v);
      }
    } else if (node !== null && typeof node === 'object' && !(node instanceof DeferredQuery)) {
      const obj = node as Record<string, unknown>;
      for (const k of Object.keys(obj)) {
        const v = obj[k];
        if (v instanceof DeferredQuery) obj[k] = await runOne(v);
        else await visit(v);
      }
    }
  };
  const runOne = async (q: DeferredQuery): Promise<unknown> => {
    try {
      return shape(await run(q.sql, q.params));
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      context.diagnostics.push(error('TSK_QUERY', `@query failed: ${reason}`, q.location));
      return null;
    }
  };
  await visit(tree);
}
