/**
 * Drives one saga instance as far as it can go now: decide, record, dispatch, record, until
 * it has to wait (a retry delay) or is finished. The order of writes is what makes a crash
 * anywhere safe:
 *  1. `…Started(step, attempt, resolved action)` is appended at the expected version BEFORE
 *     the dispatch: a runner that loses this race dispatches nothing;
 *  2. the dispatch carries an idempotency key per step and phase (sagaIds.ts);
 *  3. the outcome is appended; a crash before this leaves an action in flight, which the next
 *     runner dispatches again with the same key — the engine answers with the first result.
 */
import { ConflictError } from '../errors.js';
import type { Runtime } from '../runtime/Runtime.js';
import type { SagaDefinition } from './compileSaga.js';
import { decideNext, type NextAction } from './decideNext.js';
import { applySagaEvent, type SagaState } from './foldSaga.js';
import { performAction, toStepError, type ActionOutcome } from './performAction.js';
import { resolveAction } from './resolveAction.js';
import { retryDelay } from './retryDelay.js';
import type { SagaMetrics } from './SagaMetrics.js';
import { actionKey } from './sagaIds.js';
import { SAGA_EVENTS, TERMINAL_STATUSES, phaseEvents, type ActionFailedData, type SagaEventType, type StepError } from './sagaEvents.js';
import { appendSagaEvent, loadSaga } from './sagaStream.js';
import { tracedEvents } from '../telemetry/tracing.js';

/** What a runner needs. */
export interface DriveContext {
  runtime: Runtime;
  definitions: ReadonlyMap<string, SagaDefinition>;
  metrics: SagaMetrics;
  /** Aborted on shutdown: an HTTP call in flight is cut short and left to be resumed. */
  shutdown: AbortSignal;
  /** False once this process must not start anything new (shutdown, lease lost). */
  mayContinue(): boolean;
}

/** Why driving stopped. */
export type DriveResult = 'finished' | 'waiting' | 'stopped' | 'missing' | 'unknown_saga';

// A saga has a handful of steps; this only guards against a bug turning into a busy loop.
const MAX_ACTIONS = 10_000;

/** Drives saga `id`; rethrows store failures (the scheduler retries later). */
export async function driveSaga(ctx: DriveContext, id: string): Promise<DriveResult> {
  let state = await loadSaga(ctx.runtime.store, id);
  if (state === undefined) return 'missing';
  const def = ctx.definitions.get(state.name);
  if (def === undefined) return 'unknown_saga';
  for (let i = 0; i < MAX_ACTIONS; i++) {
    if (!ctx.mayContinue()) return 'stopped';
    const next = decideNext(def, state, Date.now());
    if (next.kind === 'none') return 'finished';
    if (next.kind === 'wait') return 'waiting';
    try {
      if (next.kind === 'record') await record(ctx, state, next.type, next.data);
      else {
        const after = await dispatch(ctx, def, state, next);
        if (after === 'stopped') return 'stopped';
        state = after;
      }
    } catch (err) {
      if (!isVersionConflict(err)) throw err;
      // Another runner moved this saga on (failover): take up its state, never our stale plan.
      const fresh = await loadSaga(ctx.runtime.store, id);
      if (fresh === undefined) return 'missing';
      state = fresh;
    }
  }
  throw new Error(`saga ${id} did not settle after ${MAX_ACTIONS} actions`);
}

async function record(ctx: DriveContext, state: SagaState, type: SagaEventType, data: object, timestamp: Date = new Date()): Promise<void> {
  const event = await appendSagaEvent(ctx.runtime.store, state, state.version, type, data, timestamp);
  applySagaEvent(state, event);
  if (TERMINAL_STATUSES.has(state.status)) {
    ctx.metrics.sagaFinished(state.name, state.status);
    ctx.runtime.logger.info({ saga: state.name, saga_id: state.id, status: state.status }, 'saga finished');
  }
}

function isVersionConflict(err: unknown): boolean {
  return err instanceof ConflictError && err.code === 'VERSION_CONFLICT';
}

/** One attempt of a step or compensation; the saga state after it, or 'stopped' when shutdown cut it short. */
async function dispatch(
  ctx: DriveContext,
  def: SagaDefinition,
  state: SagaState,
  next: Extract<NextAction, { kind: 'dispatch' }>,
): Promise<SagaState | 'stopped'> {
  const { phase, step, attempt } = next;
  const name = def.steps[step]!.name;
  const events = phaseEvents(phase);
  let action = next.resumed;
  if (action === undefined) {
    try {
      action = resolveAction(def, state, phase, step, new Date());
    } catch (err) {
      await recordFailure(ctx, def, state, events.failed, { step, name, attempt }, toStepError(err));
      return state;
    }
  }
  const started = await appendSagaEvent(ctx.runtime.store, state, state.version, events.started, {
    step,
    name,
    attempt,
    action,
    ...(next.resumed !== undefined ? { resumed: true } : {}),
  });
  applySagaEvent(state, started);
  const origin = {
    sagaId: state.id,
    sagaName: state.name,
    step: name,
    compensation: phase === 'compensation',
    correlationId: typeof state.trigger?.metadata.correlation_id === 'string' ? state.trigger.metadata.correlation_id : state.id,
    causationId: started.id,
  };
  // The step is a span of the trigger's trace; the command it dispatches is the step's child.
  const attributes = {
    'tusk.saga': state.name,
    'tusk.saga_id': state.id,
    'tusk.saga.step': name,
    'tusk.saga.phase': phase,
    'tusk.saga.attempt': attempt,
  };
  const outcome: ActionOutcome = await tracedEvents(
    ctx.runtime.tracing,
    `saga ${state.name}.${name}`,
    state.trigger === null ? [] : [state.trigger],
    (span) => performAction(ctx.runtime, action, actionKey(state.id, step, phase === 'compensation'), { ...origin, span }, ctx.shutdown),
    attributes,
  );
  if ('aborted' in outcome) return 'stopped';
  ctx.metrics.attempt(state.name, name, phase, outcome.ok);
  // Another runner may have taken this attempt over meanwhile (it saw it in flight). Its
  // dispatch had the same key, so our outcome is as good as its own: record it at the new
  // version rather than starting over — two runners stealing one attempt could otherwise go
  // round forever.
  let current = state;
  for (;;) {
    try {
      if (outcome.ok) await record(ctx, current, events.succeeded, { step, name, attempt, result: outcome.result });
      else await recordFailure(ctx, def, current, events.failed, { step, name, attempt }, outcome.error);
      return current;
    } catch (err) {
      if (!isVersionConflict(err)) throw err;
      const fresh = await loadSaga(ctx.runtime.store, state.id);
      const progress = fresh?.steps[step]?.[phase === 'step' ? 'step' : 'compensation'];
      if (fresh === undefined || progress?.inFlight?.attempt !== attempt) throw err;
      current = fresh;
    }
  }
}

async function recordFailure(
  ctx: DriveContext,
  def: SagaDefinition,
  state: SagaState,
  type: SagaEventType,
  at: { step: number; name: string; attempt: number },
  error: StepError,
): Promise<void> {
  const delay = retryDelay(def.retry, at.attempt);
  const now = new Date();
  const data: ActionFailedData = {
    ...at,
    error,
    ...(delay !== undefined ? { retry_in_ms: delay, next_attempt_at: new Date(now.getTime() + delay).toISOString() } : {}),
  };
  ctx.runtime.logger.info(
    { saga: state.name, saga_id: state.id, step: at.name, attempt: at.attempt, error: error.message, retry_in_ms: delay },
    type === SAGA_EVENTS.stepFailed ? 'saga step failed' : 'saga compensation failed',
  );
  await record(ctx, state, type, data, now);
}
