/**
 * What the saga_instances index (store migration 3) should say after some saga events: the
 * status, when the instance next needs the scheduler, and its deadline. Pure: the append
 * hook computes it from the events it is given, inside their append transaction.
 */
import type { StoredEvent } from '../store/EventStore.js';
import { resumableAt } from './decideNext.js';
import {
  SAGA_EVENTS,
  SAGA_STREAM_TYPE,
  type ActionFailedData,
  type ActionStartedData,
  type SagaStatus,
  type StartedData,
} from './sagaEvents.js';

/** The new index row of one instance (status undefined: unchanged). */
export interface SagaIndexRow {
  id: string;
  name: string;
  /** The first event of the instance is among the events (the row is new). */
  started: boolean;
  status?: SagaStatus;
  /** ISO time from which the scheduler should look at the instance; null: never again. */
  next_due_at: string | null;
  deadline?: string | null;
  version: number;
}

const FINAL: Partial<Record<string, SagaStatus>> = {
  [SAGA_EVENTS.completed]: 'completed',
  [SAGA_EVENTS.compensated]: 'compensated',
  [SAGA_EVENTS.timedOut]: 'timed_out',
  [SAGA_EVENTS.failed]: 'failed',
};

/** One row per saga instance touched by `events` (the last event of each wins). */
export function sagaIndexRows(events: readonly StoredEvent[]): SagaIndexRow[] {
  const rows = new Map<string, SagaIndexRow>();
  for (const e of events) {
    if (e.streamType !== SAGA_STREAM_TYPE) continue;
    const at = e.timestamp.toISOString();
    const previous = rows.get(e.streamId);
    const name = typeof e.metadata.saga === 'string' ? e.metadata.saga : (previous?.name ?? '');
    const row: SagaIndexRow = { ...(previous ?? { id: e.streamId, started: false }), name, version: e.version, next_due_at: at };
    if (e.type === SAGA_EVENTS.started) {
      const d = e.data as StartedData;
      Object.assign(row, { started: true, status: 'running', deadline: d.deadline });
    } else if (e.type === SAGA_EVENTS.compensating) {
      row.status = 'compensating';
    } else if (FINAL[e.type] !== undefined) {
      row.status = FINAL[e.type];
      row.next_due_at = null;
    } else if (e.type === SAGA_EVENTS.stepStarted || e.type === SAGA_EVENTS.compensationStarted) {
      // Due at once if its runner dies, except a call, which is not repeated while it may still run.
      row.next_due_at = new Date(resumableAt((e.data as ActionStartedData).action, e.timestamp.getTime())).toISOString();
    } else if (e.type === SAGA_EVENTS.stepFailed || e.type === SAGA_EVENTS.compensationFailed) {
      row.next_due_at = (e.data as ActionFailedData).next_attempt_at ?? at;
    }
    rows.set(e.streamId, row);
  }
  return [...rows.values()];
}
