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
import {
  SAGA_EVENTS,
  SAGA_STREAM_TYPE,
  TERMINAL_STATUSES,
  phaseEvents,
  type ActionFailedData,
  type SagaEventType,
  type StepError,
} from './sagaEvents.js';
import { appendSagaEvents, loadSaga, type SagaEventDraft } from './sagaStream.js';
import type { StoredEvent } from '../store/EventStore.js';
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

/**
 * Outcomes recorded in memory but not yet appended. A step's outcome is appended together
 * with what follows it (the next step's `…Started`, or `$SagaCompleted`), in one append: a
 * saga of two steps makes three appends of its own instead of five, each a commit that its
 * instance waits for (issue 21: sagas trailed the orders that started them). Until then the
 * step is in flight in the store, so a runner that dies meanwhile leaves it to be dispatched
 * again with the same idempotency key, which answers with the first result: exactly what an
 * outcome recorded just before a crash would have led to.
 */
interface Pending {
  drafts: SagaEventDraft[];
}

/** Drives saga `id`; rethrows store failures (the scheduler retries later). */
export async function driveSaga(ctx: DriveContext, id: string): Promise<DriveResult> {
  let state = await loadSaga(ctx.runtime.store, id);
  if (state === undefined) return 'missing';
  const def = ctx.definitions.get(state.name);
  if (def === undefined) return 'unknown_saga';
  const pending: Pending = { drafts: [] };
  for (let i = 0; i < MAX_ACTIONS; i++) {
    const next: NextAction = ctx.mayContinue() ? decideNext(def, state, Date.now()) : { kind: 'none' };
    try {
      if (next.kind === 'none' || next.kind === 'wait') {
        if (pending.drafts.length > 0) {
          await record(ctx, state, pending, []);
          continue;
        }
        if (!ctx.mayContinue()) return 'stopped';
        return next.kind === 'none' ? 'finished' : 'waiting';
      }
      if (next.kind === 'record') await record(ctx, state, pending, [{ type: next.type, data: next.data, timestamp: new Date() }]);
      else {
        const after = await dispatch(ctx, def, state, pending, next);
        if (after === 'stopped') {
          if (pending.drafts.length > 0) await record(ctx, state, pending, []);
          return 'stopped';
        }
        state = after;
      }
    } catch (err) {
      if (!isVersionConflict(err)) throw err;
      // Another runner moved this saga on (failover): take up its state, never our stale plan;
      // only an outcome of ours whose attempt it still has in flight is still to be recorded.
      const fresh = await loadSaga(ctx.runtime.store, id);
      if (fresh === undefined) return 'missing';
      pending.drafts = pending.drafts.filter((d) => stillInFlight(fresh, d));
      for (const d of pending.drafts) applyDraft(fresh, d);
      state = fresh;
    }
  }
  throw new Error(`saga ${id} did not settle after ${MAX_ACTIONS} actions`);
}

/** Appends the pending outcomes and `drafts` in one append; `state` (which already has the pending ones) gets the new ones. */
async function record(ctx: DriveContext, state: SagaState, pending: Pending, drafts: readonly SagaEventDraft[]): Promise<StoredEvent[]> {
  const all = [...pending.drafts, ...drafts];
  const stored = await appendSagaEvents(ctx.runtime.store, state, state.version - pending.drafts.length, all);
  pending.drafts = [];
  state.version = stored.at(-1)!.version;
  const fresh = stored.slice(all.length - drafts.length);
  for (const event of fresh) applySagaEvent(state, event);
  if (fresh.length > 0 && TERMINAL_STATUSES.has(state.status)) {
    ctx.metrics.sagaFinished(state.name, state.status);
    ctx.runtime.logger.info({ saga: state.name, saga_id: state.id, status: state.status }, 'saga finished');
  }
  return fresh;
}

/** Records an outcome in memory (see Pending): applied to `state` as the append will apply it. */
function defer(state: SagaState, pending: Pending, draft: SagaEventDraft): void {
  pending.drafts.push(draft);
  applyDraft(state, draft);
}

function applyDraft(state: SagaState, draft: SagaEventDraft): void {
  applySagaEvent(state, {
    id: '',
    type: draft.type,
    streamType: SAGA_STREAM_TYPE,
    streamId: state.id,
    version: state.version + 1,
    position: 0,
    eventVersion: 1,
    data: draft.data,
    metadata: { saga: state.name },
    timestamp: draft.timestamp,
  });
}

/** Whether the attempt a pending outcome is about is still in flight in `state`. */
function stillInFlight(state: SagaState, draft: SagaEventDraft): boolean {
  const d = draft.data as { step: number; attempt: number };
  const isStep = draft.type === SAGA_EVENTS.stepSucceeded || draft.type === SAGA_EVENTS.stepFailed;
  return state.steps[d.step]?.[isStep ? 'step' : 'compensation'].inFlight?.attempt === d.attempt;
}

function isVersionConflict(err: unknown): boolean {
  return err instanceof ConflictError && err.code === 'VERSION_CONFLICT';
}

/** One attempt of a step or compensation; the saga state after it (its outcome pending), or 'stopped' when shutdown cut it short. */
async function dispatch(
  ctx: DriveContext,
  def: SagaDefinition,
  state: SagaState,
  pending: Pending,
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
      defer(state, pending, failureDraft(ctx, def, state, events.failed, { step, name, attempt }, toStepError(err)));
      return state;
    }
  }
  const [started] = await record(ctx, state, pending, [
    {
      type: events.started,
      data: { step, name, attempt, action, ...(next.resumed !== undefined ? { resumed: true } : {}) },
      timestamp: new Date(),
    },
  ]);
  const origin = {
    sagaId: state.id,
    sagaName: state.name,
    step: name,
    compensation: phase === 'compensation',
    correlationId: typeof state.trigger?.metadata.correlation_id === 'string' ? state.trigger.metadata.correlation_id : state.id,
    causationId: started!.id,
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
  // Another runner may take this attempt over before the outcome is appended (it sees it in
  // flight). Its dispatch has the same key, so our outcome is as good as its own: it is
  // appended at the new version then (see the conflict in driveSaga) rather than started over,
  // since two runners stealing one attempt could otherwise go round forever.
  if (outcome.ok)
    defer(state, pending, { type: events.succeeded, data: { step, name, attempt, result: outcome.result }, timestamp: new Date() });
  else defer(state, pending, failureDraft(ctx, def, state, events.failed, { step, name, attempt }, outcome.error));
  return state;
}

/** The failure event of an attempt, with the delay of the next one when retries are left. */
function failureDraft(
  ctx: DriveContext,
  def: SagaDefinition,
  state: SagaState,
  type: SagaEventType,
  at: { step: number; name: string; attempt: number },
  error: StepError,
): SagaEventDraft {
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
  return { type, data, timestamp: now };
}
