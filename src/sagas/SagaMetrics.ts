/** Saga metrics on the runtime's registry (GET /metrics). Counted by the process that recorded the event. */
import { Counter, type Registry } from 'prom-client';
import type { Phase, SagaStatus } from './sagaEvents.js';

/** The saga counters. */
export class SagaMetrics {
  private readonly started: Counter<'saga'>;
  private readonly finished: Counter<'saga' | 'status'>;
  private readonly attempts: Counter<'saga' | 'step' | 'phase' | 'outcome'>;

  constructor(registry: Registry) {
    this.started = new Counter({
      name: 'tusk_sagas_started_total',
      help: 'Saga instances started, by saga.',
      labelNames: ['saga'],
      registers: [registry],
    });
    this.finished = new Counter({
      name: 'tusk_sagas_finished_total',
      help: 'Saga instances finished, by saga and final status (completed, compensated, failed, timed_out).',
      labelNames: ['saga', 'status'],
      registers: [registry],
    });
    this.attempts = new Counter({
      name: 'tusk_saga_step_attempts_total',
      help: 'Attempts of saga steps and compensations, by saga, step, phase and outcome (succeeded, failed).',
      labelNames: ['saga', 'step', 'phase', 'outcome'],
      registers: [registry],
    });
  }

  /** An instance was started. */
  sagaStarted(saga: string): void {
    this.started.inc({ saga });
  }

  /** An instance reached a final status. */
  sagaFinished(saga: string, status: SagaStatus): void {
    this.finished.inc({ saga, status });
  }

  /** A step or compensation attempt ended. */
  attempt(saga: string, step: string, phase: Phase, ok: boolean): void {
    this.attempts.inc({ saga, step, phase, outcome: ok ? 'succeeded' : 'failed' });
  }
}
