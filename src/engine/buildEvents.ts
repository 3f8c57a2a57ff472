/**
 * Builds the events a command emits (SPEC §3 `emits`/`emit`): data is the validated input
 * unless the emit maps fields with expressions; `when` skips an emit; metadata carries the
 * correlation/causation ids, the command name and the request metadata.
 */
import type { CommandDefinition } from './AggregateDefinition.js';
import type { ExprScope } from './compileExpr.js';
import { setOwn } from '../util/setOwn.js';

/** An event about to be appended (before the store gives it positions). */
export interface PendingEvent {
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/** The events `command` emits in `scope`, in declaration order. */
export function buildEvents(
  command: CommandDefinition,
  scope: ExprScope,
  input: Record<string, unknown>,
  baseMetadata: Record<string, unknown>,
): PendingEvent[] {
  const events: PendingEvent[] = [];
  for (const emit of command.emits) {
    if (emit.when !== undefined && emit.when(scope) !== true) continue;
    // `input` and `baseMetadata` are the command's own fresh objects, read by nothing after
    // this: the first event takes them as they are, every further one gets its own copies.
    const first = events.length === 0;
    const data: Record<string, unknown> = emit.data !== undefined ? evaluate(emit.data, scope) : first ? input : { ...input };
    const metadata =
      emit.metadata !== undefined ? { ...evaluate(emit.metadata, scope), ...baseMetadata } : first ? baseMetadata : { ...baseMetadata };
    events.push({ type: emit.type, data, metadata });
  }
  return events;
}

function evaluate(fields: ReadonlyArray<readonly [string, (scope: ExprScope) => unknown]>, scope: ExprScope): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, expr] of fields) {
    const value = expr(scope);
    // JSON has no undefined: an expression that yields nothing stores null.
    setOwn(out, field, value === undefined ? null : value);
  }
  return out;
}
