/**
 * A saga instance's state, folded from its stream. The runner decides from it what to do next
 * and GET /sagas/{name}/{id} shows it; nothing about a saga is kept anywhere else.
 */
import type { StoredEvent } from '../store/EventStore.js';
import {
  SAGA_EVENTS,
  type ActionFailedData,
  type ActionStartedData,
  type ActionSucceededData,
  type CompensatingData,
  type FailedData,
  type ResolvedAction,
  type SagaStatus,
  type StartedData,
  type StepError,
  type TriggerInfo,
} from './sagaEvents.js';

/** One attempt of a step or a compensation, as the step log shows it. */
export interface AttemptLog {
  attempt: number;
  status: 'running' | 'succeeded' | 'failed';
  started_at: string;
  finished_at?: string;
  error?: StepError;
  /** The backoff before the next attempt (absent: no retry followed). */
  retry_in_ms?: number;
  next_attempt_at?: string;
  /** The attempt was dispatched again after its outcome was lost (crash, failover). */
  resumed?: boolean;
}

/** Progress of a step's command, or of its compensation. */
export interface ActionProgress {
  /** Attempts started so far. */
  attempts: number;
  /** An attempt was recorded as started (at `since`, epoch ms) and has no outcome yet. */
  inFlight?: { attempt: number; action: ResolvedAction; since: number };
  /** The action of the latest attempt (a compensation reuses the step's target and input). */
  action?: ResolvedAction;
  succeeded: boolean;
  result?: unknown;
  /** The last attempt failed and no retry is left. */
  exhausted: boolean;
  error?: StepError;
  /** When the next attempt is due (epoch ms), after a failure with retries left. */
  nextAttemptAt?: number;
  /** Time of the latest event about this action. */
  at?: string;
  log: AttemptLog[];
}

/** One step of the instance. */
export interface StepProgress {
  index: number;
  name: string;
  step: ActionProgress;
  compensation: ActionProgress;
}

/** A saga instance. */
export interface SagaState {
  id: string;
  name: string;
  /** Version of the saga stream (the expected version of the next append). */
  version: number;
  status: SagaStatus;
  data: Record<string, unknown>;
  aggregateId: string | null;
  trigger: TriggerInfo | null;
  fingerprint?: string;
  startedAt: string;
  updatedAt: string;
  /** Epoch ms after which a running saga is compensated (`timeout`). */
  deadline?: number;
  /** Why the saga compensates. */
  reason?: 'step_failed' | 'timeout';
  error?: StepError;
  /** By step index; a step appears once something happened to it. */
  steps: StepProgress[];
}

const emptyAction = (): ActionProgress => ({ attempts: 0, succeeded: false, exhausted: false, log: [] });

/** Folds a saga stream; undefined for an empty one. */
export function foldSaga(events: readonly StoredEvent[]): SagaState | undefined {
  let state: SagaState | undefined;
  for (const event of events) state = applySagaEvent(state, event);
  return state;
}

/** Applies one saga event (mutating `state`, which the caller owns) and returns it. */
export function applySagaEvent(state: SagaState | undefined, event: StoredEvent): SagaState {
  const at = event.timestamp.toISOString();
  if (event.type === SAGA_EVENTS.started) {
    const d = event.data as StartedData;
    return {
      id: event.streamId,
      name: d.saga,
      version: event.version,
      status: 'running',
      data: d.data,
      aggregateId: d.aggregate_id,
      trigger: d.trigger,
      ...(d.fingerprint !== undefined ? { fingerprint: d.fingerprint } : {}),
      startedAt: at,
      updatedAt: at,
      ...(d.deadline !== null ? { deadline: Date.parse(d.deadline) } : {}),
      steps: [],
    };
  }
  if (state === undefined) throw new Error(`saga stream ${event.streamId} does not begin with ${SAGA_EVENTS.started}`);
  state.version = event.version;
  state.updatedAt = at;
  switch (event.type) {
    case SAGA_EVENTS.stepStarted:
    case SAGA_EVENTS.compensationStarted: {
      const d = event.data as ActionStartedData;
      const progress = actionOf(state, d, event.type === SAGA_EVENTS.stepStarted);
      progress.attempts = Math.max(progress.attempts, d.attempt);
      progress.inFlight = { attempt: d.attempt, action: d.action, since: event.timestamp.getTime() };
      progress.action = d.action;
      progress.nextAttemptAt = undefined;
      progress.at = at;
      const entry = progress.log.find((l) => l.attempt === d.attempt);
      if (entry === undefined) progress.log.push({ attempt: d.attempt, status: 'running', started_at: at });
      else entry.resumed = true;
      break;
    }
    case SAGA_EVENTS.stepSucceeded:
    case SAGA_EVENTS.compensationSucceeded: {
      const d = event.data as ActionSucceededData;
      const progress = actionOf(state, d, event.type === SAGA_EVENTS.stepSucceeded);
      progress.inFlight = undefined;
      progress.succeeded = true;
      progress.result = d.result;
      progress.error = undefined;
      progress.at = at;
      finish(progress, d.attempt, at, { status: 'succeeded' });
      break;
    }
    case SAGA_EVENTS.stepFailed:
    case SAGA_EVENTS.compensationFailed: {
      const d = event.data as ActionFailedData;
      const progress = actionOf(state, d, event.type === SAGA_EVENTS.stepFailed);
      progress.inFlight = undefined;
      progress.attempts = Math.max(progress.attempts, d.attempt);
      progress.error = d.error;
      progress.at = at;
      progress.exhausted = d.next_attempt_at === undefined;
      progress.nextAttemptAt = d.next_attempt_at === undefined ? undefined : Date.parse(d.next_attempt_at);
      finish(progress, d.attempt, at, {
        status: 'failed',
        error: d.error,
        ...(d.retry_in_ms !== undefined ? { retry_in_ms: d.retry_in_ms } : {}),
        ...(d.next_attempt_at !== undefined ? { next_attempt_at: d.next_attempt_at } : {}),
      });
      break;
    }
    case SAGA_EVENTS.compensating: {
      const d = event.data as CompensatingData;
      state.status = 'compensating';
      state.reason = d.reason;
      if (d.error !== undefined) state.error = d.error;
      break;
    }
    case SAGA_EVENTS.completed:
      state.status = 'completed';
      break;
    case SAGA_EVENTS.compensated:
      state.status = 'compensated';
      break;
    case SAGA_EVENTS.timedOut:
      state.status = 'timed_out';
      break;
    case SAGA_EVENTS.failed:
      state.status = 'failed';
      state.error = (event.data as FailedData).error;
      break;
    default:
      // A newer tusk-es may add event types; an older one shows what it understands.
      break;
  }
  return state;
}

function actionOf(state: SagaState, d: { step: number; name: string }, isStep: boolean): ActionProgress {
  let step = state.steps[d.step];
  if (step === undefined) {
    step = { index: d.step, name: d.name, step: emptyAction(), compensation: emptyAction() };
    state.steps[d.step] = step;
  }
  return isStep ? step.step : step.compensation;
}

function finish(progress: ActionProgress, attempt: number, at: string, outcome: Omit<AttemptLog, 'attempt' | 'started_at'>): void {
  let entry = progress.log.find((l) => l.attempt === attempt);
  if (entry === undefined) {
    // A failure recorded without a start: the action could not even be resolved.
    entry = { attempt, status: 'running', started_at: at };
    progress.log.push(entry);
  }
  Object.assign(entry, outcome, { finished_at: at });
}
