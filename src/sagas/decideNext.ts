/**
 * What a saga instance needs next, decided from its folded state alone (pure, so every rule
 * of SPEC §7 is unit-testable without a clock or a database):
 *  - an action recorded as started without an outcome is dispatched again first (its outcome
 *    decides what there is to compensate; the idempotency key makes it safe; a call only
 *    once its timeout has passed, see `resume`);
 *  - running: past the deadline → compensate; else the first step not yet succeeded runs,
 *    waits for its retry time, or — out of retries — starts the compensation;
 *  - compensating: the completed steps' compensations run from the last step to the first;
 *    one that runs out of retries ends the saga `failed`.
 */
import type { SagaDefinition } from './compileSaga.js';
import type { ActionProgress, SagaState } from './foldSaga.js';
import { SAGA_EVENTS, TERMINAL_STATUSES, type Phase, type ResolvedAction, type SagaEventType } from './sagaEvents.js';

/** The next thing to do for a saga. */
export type NextAction =
  | { kind: 'none' }
  | { kind: 'wait'; until: number }
  | { kind: 'record'; type: SagaEventType; data: Record<string, unknown> }
  | { kind: 'dispatch'; phase: Phase; step: number; attempt: number; resumed?: ResolvedAction };

/** Decides what `state` needs at time `now` (epoch ms). */
export function decideNext(def: SagaDefinition, state: SagaState, now: number): NextAction {
  if (TERMINAL_STATUSES.has(state.status)) return { kind: 'none' };
  const changed = definitionChanged(def, state);
  if (changed !== undefined) return { kind: 'record', type: SAGA_EVENTS.failed, data: { error: { message: changed } } };

  for (const s of state.steps) {
    if (s === undefined) continue;
    if (s.step.inFlight) return resume('step', s.index, s.step.inFlight, now);
    if (s.compensation.inFlight) return resume('compensation', s.index, s.compensation.inFlight, now);
  }
  return state.status === 'running' ? decideRunning(def, state, now) : decideCompensating(def, state, now);
}

/**
 * An action recorded as started with no outcome: its runner crashed, or is still at it (a
 * leader that stalled past its lease). A command is dispatched again at once (its idempotency
 * key makes that harmless). A call is not repeated before the first one has surely ended —
 * its timeout has passed — so that only a runner that is really gone causes a second call.
 */
function resume(phase: Phase, step: number, inFlight: NonNullable<ActionProgress['inFlight']>, now: number): NextAction {
  const settled = resumableAt(inFlight.action, inFlight.since);
  if (settled > now) return { kind: 'wait', until: settled };
  return { kind: 'dispatch', phase, step, attempt: inFlight.attempt, resumed: inFlight.action };
}

/** The time from which an action started at `since` without a recorded outcome may be dispatched again. */
export function resumableAt(action: ResolvedAction, since: number): number {
  return action.kind === 'call' ? since + action.timeout_ms + RESUME_GRACE_MS : since;
}

// Covers clock skew between processes and the time to record a call's outcome after it ended.
const RESUME_GRACE_MS = 1_000;

function decideRunning(def: SagaDefinition, state: SagaState, now: number): NextAction {
  if (state.deadline !== undefined && now >= state.deadline) {
    return { kind: 'record', type: SAGA_EVENTS.compensating, data: { reason: 'timeout' } };
  }
  const index = def.steps.findIndex((_, i) => state.steps[i]?.step.succeeded !== true);
  if (index < 0) return { kind: 'record', type: SAGA_EVENTS.completed, data: {} };
  const progress = state.steps[index]?.step;
  if (progress?.exhausted === true) {
    return {
      kind: 'record',
      type: SAGA_EVENTS.compensating,
      data: { reason: 'step_failed', ...(progress.error ? { error: progress.error } : {}) },
    };
  }
  const due = dueTime(progress);
  if (due > now) return { kind: 'wait', until: state.deadline === undefined ? due : Math.min(due, state.deadline) };
  return { kind: 'dispatch', phase: 'step', step: index, attempt: (progress?.attempts ?? 0) + 1 };
}

function decideCompensating(def: SagaDefinition, state: SagaState, now: number): NextAction {
  for (let i = def.steps.length - 1; i >= 0; i--) {
    const s = state.steps[i];
    const step = def.steps[i]!;
    if (s === undefined || !s.step.succeeded || (step.compensation === undefined && step.compensationCall === undefined)) continue;
    if (s.compensation.succeeded) continue;
    if (s.compensation.exhausted) {
      const error = s.compensation.error ?? { message: 'compensation failed' };
      return {
        kind: 'record',
        type: SAGA_EVENTS.failed,
        data: { error: { ...error, message: `compensation of step '${s.name}' failed: ${error.message}` } },
      };
    }
    const due = dueTime(s.compensation);
    if (due > now) return { kind: 'wait', until: due };
    return { kind: 'dispatch', phase: 'compensation', step: i, attempt: s.compensation.attempts + 1 };
  }
  return { kind: 'record', type: state.reason === 'timeout' ? SAGA_EVENTS.timedOut : SAGA_EVENTS.compensated, data: {} };
}

function dueTime(progress: ActionProgress | undefined): number {
  return progress?.nextAttemptAt ?? 0;
}

/** Steps are known by position: an instance whose recorded steps no longer match cannot go on safely. */
function definitionChanged(def: SagaDefinition, state: SagaState): string | undefined {
  for (const s of state.steps) {
    if (s === undefined) continue;
    const step = def.steps[s.index];
    if (step === undefined || step.name !== s.name) {
      return `the steps of saga '${def.name}' changed while this instance ran (step ${s.index + 1} was '${s.name}', is now '${step?.name ?? 'missing'}')`;
    }
  }
  return undefined;
}
