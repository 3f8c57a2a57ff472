/**
 * The events a saga instance's progress is stored as (its own stream in the event store).
 * Types and the stream type start with `$`, which config names cannot (the `name` pattern of
 * the schema, and checks/sagas.ts for aggregate names), so they never collide with user ones.
 */
import type { EventJson } from '../engine/toEventJson.js';

/** The stream type of every saga instance; the stream id is the saga id. */
export const SAGA_STREAM_TYPE = '$saga';

/** Saga event types. */
export const SAGA_EVENTS = {
  started: '$SagaStarted',
  stepStarted: '$SagaStepStarted',
  stepSucceeded: '$SagaStepSucceeded',
  stepFailed: '$SagaStepFailed',
  compensating: '$SagaCompensating',
  compensationStarted: '$SagaCompensationStarted',
  compensationSucceeded: '$SagaCompensationSucceeded',
  compensationFailed: '$SagaCompensationFailed',
  completed: '$SagaCompleted',
  compensated: '$SagaCompensated',
  timedOut: '$SagaTimedOut',
  failed: '$SagaFailed',
} as const;

export type SagaEventType = (typeof SAGA_EVENTS)[keyof typeof SAGA_EVENTS];

/** Instance statuses (SPEC §9). */
export type SagaStatus = 'running' | 'compensating' | 'completed' | 'compensated' | 'failed' | 'timed_out';

/** Statuses after which nothing more happens. */
export const TERMINAL_STATUSES: ReadonlySet<SagaStatus> = new Set(['completed', 'compensated', 'failed', 'timed_out']);

/** Whether a step's command or its compensation is meant. */
export type Phase = 'step' | 'compensation';

/** What a failed attempt reports. */
export interface StepError {
  message: string;
  /** The TuskError code of a failed command (RULE_VIOLATION, STREAM_NOT_FOUND…). */
  code?: string;
  /** HTTP status of the command error, or of the endpoint's answer to a `call`. */
  status?: number;
}

/** An action with every expression already evaluated, recorded before it is dispatched. */
export type ResolvedAction =
  | { kind: 'command'; aggregate_type: string; aggregate_id: string | null; command: string; input: Record<string, unknown> }
  | { kind: 'call'; url: string; method: string; headers: Record<string, string>; body: unknown; timeout_ms: number };

/** The event that started a saga (absent for sagas started over HTTP): its JSON shape without its data. */
export type TriggerInfo = Omit<EventJson, 'data'>;

/** Data of $SagaStarted. */
export interface StartedData {
  saga: string;
  data: Record<string, unknown>;
  aggregate_id: string | null;
  trigger: TriggerInfo | null;
  deadline: string | null;
  /** Hash of the start request (HTTP starts with an Idempotency-Key compare it). */
  fingerprint?: string;
}

/** Data of $SagaStepStarted / $SagaCompensationStarted. */
export interface ActionStartedData {
  step: number;
  name: string;
  attempt: number;
  action: ResolvedAction;
  /** True when an attempt whose outcome was lost (crash, failover) is dispatched again. */
  resumed?: boolean;
}

/** Data of $SagaStepSucceeded / $SagaCompensationSucceeded. */
export interface ActionSucceededData {
  step: number;
  name: string;
  attempt: number;
  result: unknown;
}

/** Data of $SagaStepFailed / $SagaCompensationFailed. */
export interface ActionFailedData {
  step: number;
  name: string;
  attempt: number;
  error: StepError;
  /** Present when another attempt follows: its delay and due time. */
  retry_in_ms?: number;
  next_attempt_at?: string;
}

/** Data of $SagaCompensating. */
export interface CompensatingData {
  reason: 'step_failed' | 'timeout';
  error?: StepError;
}

/** Data of $SagaFailed. */
export interface FailedData {
  error: StepError;
}

/** The event types of one phase: started, succeeded, failed. */
export function phaseEvents(phase: Phase): { started: SagaEventType; succeeded: SagaEventType; failed: SagaEventType } {
  return phase === 'step'
    ? { started: SAGA_EVENTS.stepStarted, succeeded: SAGA_EVENTS.stepSucceeded, failed: SAGA_EVENTS.stepFailed }
    : { started: SAGA_EVENTS.compensationStarted, succeeded: SAGA_EVENTS.compensationSucceeded, failed: SAGA_EVENTS.compensationFailed };
}
