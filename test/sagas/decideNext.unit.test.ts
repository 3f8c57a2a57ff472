/** The saga rules of SPEC §7, decided from folded saga streams (pure: no clock, no database). */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CompiledStep, SagaDefinition } from '../../src/sagas/compileSaga.js';
import { decideNext } from '../../src/sagas/decideNext.js';
import { foldSaga } from '../../src/sagas/foldSaga.js';
import { retryDelay } from '../../src/sagas/retryDelay.js';
import { SAGA_EVENTS, SAGA_STREAM_TYPE, type ResolvedAction } from '../../src/sagas/sagaEvents.js';
import { sagaIndexRows } from '../../src/sagas/sagaIndexRows.js';
import type { StoredEvent } from '../../src/store/EventStore.js';

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const cmd = (name: string): CompiledStep['command'] => ({ aggregateType: 'order', command: name, creates: false, inputFields: [] });
const step = (index: number, name: string, compensation: boolean): CompiledStep => ({
  index,
  name,
  command: cmd(`Do${index}`),
  input: [],
  ...(compensation ? { compensation: cmd(`Undo${index}`) } : {}),
});
const DEF: SagaDefinition = {
  name: 'demo',
  startsOn: [],
  steps: [step(0, 'a', true), step(1, 'b', false), step(2, 'c', true), step(3, 'd', true)],
  timeoutMs: 60_000,
  onError: 'park',
  maxRetries: 3,
  retry: { maxRetries: 2, multiplier: 2, initialDelayMs: 100, maxDelayMs: 1000 },
};
const COMMAND: ResolvedAction = { kind: 'command', aggregate_type: 'order', aggregate_id: 'o1', command: 'Do0', input: {} };
const CALL: ResolvedAction = { kind: 'call', url: 'http://x.test/', method: 'POST', headers: {}, body: {}, timeout_ms: 5000 };

/** A saga stream written event by event; `at` is ms after T0. */
function stream() {
  const events: StoredEvent[] = [];
  const add = (type: string, data: object, at = 0) => {
    events.push({
      id: randomUUID(),
      type,
      streamType: SAGA_STREAM_TYPE,
      streamId: 's1',
      version: events.length + 1,
      position: events.length + 1,
      eventVersion: 1,
      data,
      metadata: { saga: 'demo' },
      timestamp: new Date(T0 + at),
    });
    return api;
  };
  const api = {
    events,
    started: (at = 0) =>
      add(
        SAGA_EVENTS.started,
        { saga: 'demo', data: {}, aggregate_id: 'o1', trigger: null, deadline: new Date(T0 + 60_000).toISOString() },
        at,
      ),
    ok: (i: number, at = 0, action = COMMAND) =>
      add(SAGA_EVENTS.stepStarted, { step: i, name: DEF.steps[i]!.name, attempt: 1, action }, at).add(
        SAGA_EVENTS.stepSucceeded,
        { step: i, name: DEF.steps[i]!.name, attempt: 1, result: null },
        at,
      ),
    add,
    state: () => foldSaga(events)!,
  };
  return api;
}

const failed = (i: number, attempt: number, next?: number) => ({
  step: i,
  name: DEF.steps[i]!.name,
  attempt,
  error: { message: 'no' },
  ...(next !== undefined ? { retry_in_ms: 100, next_attempt_at: new Date(T0 + next).toISOString() } : {}),
});

describe('decideNext while running', () => {
  it('runs the steps in order, then completes', () => {
    const s = stream().started();
    expect(decideNext(DEF, s.state(), T0)).toEqual({ kind: 'dispatch', phase: 'step', step: 0, attempt: 1 });
    s.ok(0).ok(1);
    expect(decideNext(DEF, s.state(), T0)).toEqual({ kind: 'dispatch', phase: 'step', step: 2, attempt: 1 });
    s.ok(2).ok(3);
    expect(decideNext(DEF, s.state(), T0)).toEqual({ kind: 'record', type: SAGA_EVENTS.completed, data: {} });
    s.add(SAGA_EVENTS.completed, {});
    expect(decideNext(DEF, s.state(), T0)).toEqual({ kind: 'none' });
  });

  it('waits for a retry until its time, then dispatches the next attempt', () => {
    const s = stream()
      .started()
      .ok(0)
      .add(SAGA_EVENTS.stepStarted, { step: 1, name: 'b', attempt: 1, action: COMMAND })
      .add(SAGA_EVENTS.stepFailed, failed(1, 1, 500));
    expect(decideNext(DEF, s.state(), T0 + 499)).toEqual({ kind: 'wait', until: T0 + 500 });
    expect(decideNext(DEF, s.state(), T0 + 500)).toEqual({ kind: 'dispatch', phase: 'step', step: 1, attempt: 2 });
  });

  it('never waits past the deadline', () => {
    const s = stream()
      .started()
      .add(SAGA_EVENTS.stepFailed, failed(0, 1, 90_000));
    expect(decideNext(DEF, s.state(), T0 + 1000)).toEqual({ kind: 'wait', until: T0 + 60_000 });
  });

  it('compensates when a step is out of retries', () => {
    const s = stream().started().ok(0).add(SAGA_EVENTS.stepFailed, failed(1, 3));
    expect(decideNext(DEF, s.state(), T0)).toEqual({
      kind: 'record',
      type: SAGA_EVENTS.compensating,
      data: { reason: 'step_failed', error: { message: 'no' } },
    });
  });

  it('compensates when the deadline has passed, even with a retry pending', () => {
    const s = stream()
      .started()
      .ok(0)
      .add(SAGA_EVENTS.stepFailed, failed(1, 1, 59_000));
    expect(decideNext(DEF, s.state(), T0 + 60_000)).toEqual({
      kind: 'record',
      type: SAGA_EVENTS.compensating,
      data: { reason: 'timeout' },
    });
  });

  it('dispatches an interrupted command again at once, same attempt, same action', () => {
    const s = stream().started().add(SAGA_EVENTS.stepStarted, { step: 0, name: 'a', attempt: 2, action: COMMAND }, 10);
    expect(decideNext(DEF, s.state(), T0 + 10)).toEqual({ kind: 'dispatch', phase: 'step', step: 0, attempt: 2, resumed: COMMAND });
  });

  it('repeats an interrupted call only after its timeout (and a grace second) has passed', () => {
    const s = stream().started().add(SAGA_EVENTS.stepStarted, { step: 0, name: 'a', attempt: 1, action: CALL }, 10);
    expect(decideNext(DEF, s.state(), T0 + 100)).toEqual({ kind: 'wait', until: T0 + 10 + 5000 + 1000 });
    expect(decideNext(DEF, s.state(), T0 + 6010)).toMatchObject({ kind: 'dispatch', step: 0, attempt: 1, resumed: CALL });
  });

  it('fails an instance whose recorded steps no longer match the config', () => {
    const s = stream().started().add(SAGA_EVENTS.stepSucceeded, { step: 0, name: 'renamed', attempt: 1, result: null });
    expect(decideNext(DEF, s.state(), T0)).toMatchObject({ kind: 'record', type: SAGA_EVENTS.failed });
  });
});

describe('decideNext while compensating', () => {
  const compensating = () =>
    stream().started().ok(0).ok(1).ok(2).add(SAGA_EVENTS.stepFailed, failed(3, 3)).add(SAGA_EVENTS.compensating, { reason: 'step_failed' });
  const undone = (i: number) => ({ step: i, name: DEF.steps[i]!.name, attempt: 1, result: null });

  it('undoes the completed steps from the last to the first, skipping steps without a compensation', () => {
    const s = compensating();
    expect(decideNext(DEF, s.state(), T0)).toEqual({ kind: 'dispatch', phase: 'compensation', step: 2, attempt: 1 });
    s.add(SAGA_EVENTS.compensationStarted, { step: 2, name: 'c', attempt: 1, action: COMMAND }).add(
      SAGA_EVENTS.compensationSucceeded,
      undone(2),
    );
    // Step b has no compensation: next is a.
    expect(decideNext(DEF, s.state(), T0)).toEqual({ kind: 'dispatch', phase: 'compensation', step: 0, attempt: 1 });
    s.add(SAGA_EVENTS.compensationStarted, { step: 0, name: 'a', attempt: 1, action: COMMAND }).add(
      SAGA_EVENTS.compensationSucceeded,
      undone(0),
    );
    expect(decideNext(DEF, s.state(), T0)).toEqual({ kind: 'record', type: SAGA_EVENTS.compensated, data: {} });
  });

  it('ends timed_out after compensating for a timeout', () => {
    const s = stream().started().add(SAGA_EVENTS.compensating, { reason: 'timeout' });
    expect(decideNext(DEF, s.state(), T0)).toEqual({ kind: 'record', type: SAGA_EVENTS.timedOut, data: {} });
  });

  it('retries a failed compensation, and ends failed when it is out of retries', () => {
    const s = compensating().add(SAGA_EVENTS.compensationFailed, { ...failed(2, 1, 300) });
    expect(decideNext(DEF, s.state(), T0)).toEqual({ kind: 'wait', until: T0 + 300 });
    expect(decideNext(DEF, s.state(), T0 + 300)).toEqual({ kind: 'dispatch', phase: 'compensation', step: 2, attempt: 2 });
    s.add(SAGA_EVENTS.compensationFailed, failed(2, 3));
    expect(decideNext(DEF, s.state(), T0 + 300)).toEqual({
      kind: 'record',
      type: SAGA_EVENTS.failed,
      data: { error: { message: "compensation of step 'c' failed: no" } },
    });
  });

  it('does not compensate a step that never succeeded', () => {
    const s = stream().started().add(SAGA_EVENTS.stepFailed, failed(0, 3)).add(SAGA_EVENTS.compensating, { reason: 'step_failed' });
    expect(decideNext(DEF, s.state(), T0)).toEqual({ kind: 'record', type: SAGA_EVENTS.compensated, data: {} });
  });
});

describe('retryDelay', () => {
  it('multiplies from initial_delay, caps at max_delay, and stops after max_retries', () => {
    const policy = { maxRetries: 5, multiplier: 3, initialDelayMs: 100, maxDelayMs: 2000 };
    expect([1, 2, 3, 4, 5, 6].map((a) => retryDelay(policy, a))).toEqual([100, 300, 900, 2000, 2000, undefined]);
    expect(retryDelay({ ...policy, maxRetries: 0 }, 1)).toBeUndefined();
  });
});

describe('sagaIndexRows', () => {
  it('files each instance under its latest status and due time', () => {
    const s = stream()
      .started()
      .ok(0)
      .add(SAGA_EVENTS.stepFailed, failed(1, 1, 700), 5);
    expect(sagaIndexRows(s.events)).toEqual([
      {
        id: 's1',
        name: 'demo',
        started: true,
        status: 'running',
        deadline: new Date(T0 + 60_000).toISOString(),
        next_due_at: new Date(T0 + 700).toISOString(),
        version: 4,
      },
    ]);
    s.add(SAGA_EVENTS.compensating, { reason: 'timeout' }, 9);
    expect(sagaIndexRows(s.events.slice(-1))).toEqual([
      { id: 's1', name: 'demo', started: false, status: 'compensating', next_due_at: new Date(T0 + 9).toISOString(), version: 5 },
    ]);
    s.add(SAGA_EVENTS.stepStarted, { step: 1, name: 'b', attempt: 1, action: CALL }, 20);
    expect(sagaIndexRows(s.events.slice(-1))[0]!.next_due_at).toBe(new Date(T0 + 20 + 6000).toISOString());
    s.add(SAGA_EVENTS.timedOut, {}, 30);
    expect(sagaIndexRows(s.events.slice(-1))).toEqual([
      { id: 's1', name: 'demo', started: false, status: 'timed_out', next_due_at: null, version: 7 },
    ]);
  });

  it('ignores events of other streams', () => {
    const e = stream().started().events[0]!;
    expect(sagaIndexRows([{ ...e, streamType: 'order' }])).toEqual([]);
  });
});
