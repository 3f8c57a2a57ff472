/**
 * Runs a saga scenario without a store or a clock: the saga's real decisions (decideNext,
 * resolveAction, its fold and retry policy) driven by outcomes the scenario declares instead
 * of real commands, with time jumping to each retry. What it records is what a running
 * orchestrator would have dispatched, in order.
 */
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../config/schema/app.js';
import type { ScenarioConfig } from '../config/schema/tests.js';
import { compileAggregates } from '../engine/compileAggregate.js';
import { buildUpcaster } from '../migrations/buildUpcaster.js';
import { compileSaga, type SagaDefinition } from '../sagas/compileSaga.js';
import { decideNext } from '../sagas/decideNext.js';
import { applySagaEvent, type SagaState } from '../sagas/foldSaga.js';
import { resolveAction } from '../sagas/resolveAction.js';
import { retryDelay } from '../sagas/retryDelay.js';
import {
  SAGA_EVENTS,
  SAGA_STREAM_TYPE,
  phaseEvents,
  type Phase,
  type ResolvedAction,
  type SagaEventType,
  type StartedData,
} from '../sagas/sagaEvents.js';
import { eventData, triggerOf } from '../sagas/startSaga.js';
import type { StoredEvent } from '../store/EventStore.js';
import { getOwn } from '../util/setOwn.js';

/** What the saga did. */
export interface SagaRun {
  status: string;
  steps: string[];
  compensations: string[];
  commands: Record<string, unknown>[];
}

// A saga has a handful of steps and retries; this only stops a bug from looping forever.
const MAX_DECISIONS = 10_000;

/** Simulates saga `s.saga` started by the first `given` event. */
export function simulateSaga(model: AppConfig, s: ScenarioConfig): SagaRun {
  const upcast = buildUpcaster(model);
  const def = compileSaga(s.saga!, model.sagas[s.saga!]!, compileAggregates(model, upcast));
  const g = s.given[0]!;
  let clock = Date.parse('2030-01-01T00:00:00Z');
  const trigger = upcast({
    id: randomUUID(),
    type: g.type,
    streamType: g.aggregate ?? s.aggregate ?? 'test',
    streamId: g.aggregate_id ?? s.aggregate_id,
    version: 1,
    position: 1,
    eventVersion: g.event_version ?? getOwn(model.events, g.type)?.version ?? 1,
    data: g.data,
    metadata: g.metadata,
    timestamp: new Date(clock),
  });
  const started: StartedData = {
    saga: def.name,
    data: eventData(trigger),
    aggregate_id: trigger.streamId,
    trigger: triggerOf(trigger),
    deadline: null,
  };
  const run: SagaRun = { status: 'running', steps: [], compensations: [], commands: [] };
  let state = applySagaEvent(undefined, sagaEvent('saga-under-test', 1, SAGA_EVENTS.started, started, clock));
  const record = (type: SagaEventType, data: object) => {
    state = applySagaEvent(state, sagaEvent(state.id, state.version + 1, type, data, clock));
  };
  for (let i = 0; i < MAX_DECISIONS; i++) {
    const next = decideNext(def, state, clock);
    if (next.kind === 'none') break;
    if (next.kind === 'wait') clock = Math.max(clock, next.until);
    else if (next.kind === 'record') record(next.type, next.data);
    else dispatch(def, state, next.phase, next.step, next.attempt, s, run, record, clock);
  }
  run.status = state.status;
  return run;
}

function dispatch(
  def: SagaDefinition,
  state: SagaState,
  phase: Phase,
  step: number,
  attempt: number,
  s: ScenarioConfig,
  run: SagaRun,
  record: (type: SagaEventType, data: object) => void,
  clock: number,
): void {
  const name = def.steps[step]!.name;
  const events = phaseEvents(phase);
  const fail = (message: string) => {
    const delay = retryDelay(def.retry, attempt);
    record(events.failed, {
      step,
      name,
      attempt,
      error: { message },
      ...(delay !== undefined ? { retry_in_ms: delay, next_attempt_at: new Date(clock + delay).toISOString() } : {}),
    });
  };
  let action: ResolvedAction;
  try {
    action = resolveAction(def, state, phase, step, new Date(clock));
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
    return;
  }
  if (attempt === 1) {
    (phase === 'step' ? run.steps : run.compensations).push(name);
    run.commands.push(action.kind === 'command' ? { ...action } : { call: action.url, method: action.method, body: action.body });
  }
  record(events.started, { step, name, attempt, action });
  const declared = (phase === 'step' ? s.outcomes : s.compensation_outcomes)?.[name] ?? 'ok';
  const list = Array.isArray(declared) ? declared : [declared];
  const outcome = list[Math.min(attempt, list.length) - 1];
  if (outcome === 'ok')
    record(events.succeeded, { step, name, attempt, result: { aggregate_id: action.kind === 'command' ? action.aggregate_id : null } });
  else fail(`${phase === 'step' ? 'step' : 'compensation of'} ${name} failed (declared by the scenario)`);
}

function sagaEvent(id: string, version: number, type: SagaEventType, data: object, clock: number): StoredEvent {
  return {
    id: randomUUID(),
    type,
    streamType: SAGA_STREAM_TYPE,
    streamId: id,
    version,
    position: version,
    eventVersion: 1,
    data,
    metadata: {},
    timestamp: new Date(clock),
  };
}
