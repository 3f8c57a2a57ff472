/** The JSON of GET /sagas/{name}/{id} (SPEC §9): status and the step log, folded from the saga stream. */
import type { SagaDefinition } from './compileSaga.js';
import type { ActionProgress, AttemptLog, SagaState, StepProgress } from './foldSaga.js';
import type { SagaStatus, StepError } from './sagaEvents.js';

/** One step as the API shows it. */
export interface StepView {
  name: string;
  status: 'pending' | 'running' | 'retrying' | 'succeeded' | 'failed' | 'compensating' | 'compensated' | 'compensation_failed';
  attempts: number;
  error?: StepError;
  /** Time of the step's latest event (its compensation's, once that began). */
  at: string | null;
  result?: unknown;
  next_attempt_at?: string;
  /** Every attempt: start, end, error, and the backoff before the next one. */
  log: AttemptLog[];
  compensation?: {
    status: 'running' | 'retrying' | 'succeeded' | 'failed';
    attempts: number;
    error?: StepError;
    at: string | null;
    log: AttemptLog[];
  };
}

/** A saga instance as the API shows it. */
export interface SagaView {
  saga_id: string;
  name: string;
  status: SagaStatus;
  started_at: string;
  updated_at: string;
  deadline: string | null;
  aggregate_id: string | null;
  data: Record<string, unknown>;
  error?: StepError;
  steps: StepView[];
}

/** The view of `state`; `def` lists the steps not reached yet (absent: only those recorded). */
export function sagaView(state: SagaState, def: SagaDefinition | undefined): SagaView {
  const names = def?.steps.map((s) => s.name) ?? state.steps.flatMap((s) => (s === undefined ? [] : [s.name]));
  return {
    saga_id: state.id,
    name: state.name,
    status: state.status,
    started_at: state.startedAt,
    updated_at: state.updatedAt,
    deadline: state.deadline === undefined ? null : new Date(state.deadline).toISOString(),
    aggregate_id: state.aggregateId,
    data: state.data,
    ...(state.error !== undefined ? { error: state.error } : {}),
    steps: names.map((name, i) => stepView(name, state.steps[i])),
  };
}

function stepView(name: string, s: StepProgress | undefined): StepView {
  if (s === undefined) return { name, status: 'pending', attempts: 0, at: null, log: [] };
  const c = s.compensation;
  const compensating = c.attempts > 0;
  return {
    name,
    status: compensating ? compensationStatus(c) : stepStatus(s.step),
    attempts: s.step.attempts,
    ...(s.step.error !== undefined ? { error: s.step.error } : {}),
    at: (compensating ? c.at : undefined) ?? s.step.at ?? null,
    ...(s.step.succeeded ? { result: s.step.result ?? null } : {}),
    ...(s.step.nextAttemptAt !== undefined ? { next_attempt_at: new Date(s.step.nextAttemptAt).toISOString() } : {}),
    log: s.step.log,
    ...(compensating
      ? {
          compensation: {
            status: actionStatus(c),
            attempts: c.attempts,
            ...(c.error !== undefined ? { error: c.error } : {}),
            at: c.at ?? null,
            log: c.log,
          },
        }
      : {}),
  };
}

function actionStatus(p: ActionProgress): 'running' | 'retrying' | 'succeeded' | 'failed' {
  if (p.succeeded) return 'succeeded';
  if (p.exhausted) return 'failed';
  return p.inFlight !== undefined ? 'running' : 'retrying';
}

function stepStatus(p: ActionProgress): StepView['status'] {
  if (p.attempts === 0 && !p.exhausted) return 'pending';
  return actionStatus(p);
}

function compensationStatus(p: ActionProgress): StepView['status'] {
  const s = actionStatus(p);
  return s === 'succeeded' ? 'compensated' : s === 'failed' ? 'compensation_failed' : 'compensating';
}
