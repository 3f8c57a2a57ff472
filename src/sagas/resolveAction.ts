/**
 * Turns a step (or its compensation) into a ResolvedAction: the target, input and call body
 * with every expression evaluated. The result is recorded in the saga stream before it is
 * dispatched, so a dispatch repeated after a crash sends exactly the same command.
 */
import type { ExprScope } from '../engine/compileExpr.js';
import type { CompiledCall, CompiledFields, CompiledStep, SagaDefinition } from './compileSaga.js';
import type { SagaState } from './foldSaga.js';
import type { Phase, ResolvedAction } from './sagaEvents.js';

/** The expression scope of a saga: its triggering event, its data, and its id and step results. */
export function sagaScope(state: SagaState, now: Date): ExprScope {
  const t = state.trigger;
  const results: Record<string, unknown> = {};
  for (const s of state.steps) if (s?.step.succeeded) results[s.name] = s.step.result ?? null;
  return {
    roots: {
      data: state.data,
      metadata: t?.metadata ?? {},
      aggregate_id: state.aggregateId,
      aggregate_type: t?.aggregate_type ?? null,
      event_type: t?.type ?? null,
      event_version: t?.event_version ?? null,
      timestamp: t?.timestamp ?? state.startedAt,
      version: t?.version ?? null,
      position: t?.position ?? null,
      saga: { id: state.id, name: state.name, data: state.data, results },
    },
    fields: {},
    now,
  };
}

/** Resolves step `index` of `def` for `phase`; throws (a step failure) when it cannot be. */
export function resolveAction(def: SagaDefinition, state: SagaState, phase: Phase, index: number, now: Date): ResolvedAction {
  const step = def.steps[index];
  if (step === undefined) throw new Error(`saga '${def.name}' has no step ${index + 1}`);
  const scope = sagaScope(state, now);
  return phase === 'step' ? resolveStep(step, state, scope) : resolveCompensation(step, state, scope);
}

function resolveStep(step: CompiledStep, state: SagaState, scope: ExprScope): ResolvedAction {
  if (step.call !== undefined) return resolveCall(step.call, scope, defaultBody(state, step, false));
  const ref = step.command!;
  const target = step.target === undefined ? state.aggregateId : targetText(step.target(scope), 'target');
  if (target === null && !ref.creates) {
    const why = step.target === undefined ? 'it sets no `target` and the saga has no aggregate_id' : '`target` evaluated to null';
    throw new Error(`step '${step.name}' has no target: ${why}`);
  }
  return {
    kind: 'command',
    aggregate_type: ref.aggregateType,
    aggregate_id: target,
    command: ref.command,
    input: evaluate(step.input, scope),
  };
}

function resolveCompensation(step: CompiledStep, state: SagaState, scope: ExprScope): ResolvedAction {
  if (step.compensationCall !== undefined) return resolveCall(step.compensationCall, scope, defaultBody(state, step, true));
  const ref = step.compensation;
  if (ref === undefined) throw new Error(`step '${step.name}' has no compensation`);
  const done = state.steps[step.index]?.step;
  const previous = done?.action?.kind === 'command' ? done.action : undefined;
  // "The same target": where the step's command actually went (a `creates` step may have had the id made for it).
  const doneId = (done?.result as { aggregate_id?: unknown } | undefined)?.aggregate_id;
  const sameTarget = typeof doneId === 'string' ? doneId : (previous?.aggregate_id ?? state.aggregateId);
  const target = step.compensationTarget === undefined ? sameTarget : targetText(step.compensationTarget(scope), 'compensation_target');
  if (target === null && !ref.creates) throw new Error(`the compensation of step '${step.name}' has no target`);
  // "The same input", limited to what the compensation command declares (it rarely takes all of it).
  const input =
    step.compensationInput !== undefined
      ? evaluate(step.compensationInput, scope)
      : Object.fromEntries(Object.entries(previous?.input ?? {}).filter(([field]) => ref.inputFields.includes(field)));
  return { kind: 'command', aggregate_type: ref.aggregateType, aggregate_id: target, command: ref.command, input };
}

function resolveCall(call: CompiledCall, scope: ExprScope, fallback: Record<string, unknown>): ResolvedAction {
  const body = call.method === 'GET' ? null : call.body === undefined ? fallback : evaluate(call.body, scope);
  return { kind: 'call', url: call.url, method: call.method, headers: call.headers, body, timeout_ms: call.timeoutMs };
}

function defaultBody(state: SagaState, step: CompiledStep, compensation: boolean): Record<string, unknown> {
  return { saga_id: state.id, saga: state.name, step: step.name, data: state.data, ...(compensation ? { compensation: true } : {}) };
}

function evaluate(fields: CompiledFields, scope: ExprScope): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, fn] of fields) out[field] = fn(scope);
  return out;
}

function targetText(value: unknown, key: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new Error(`\`${key}\` must give an aggregate id (a string), got ${JSON.stringify(value)}`);
}
