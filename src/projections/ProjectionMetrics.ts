/** Prometheus metrics of the projections of one runtime (on `runtime.metrics.registry`). */
import { Counter, Gauge, type Registry } from 'prom-client';

/** The projection metrics. */
export class ProjectionMetrics {
  readonly events: Counter<'projection' | 'path'>;
  readonly rebuildProgress: Gauge<'projection'>;
  readonly rebuilds: Counter<'projection' | 'outcome'>;

  constructor(registry: Registry) {
    this.events = new Counter({
      name: 'tusk_projection_events_total',
      help: 'Events applied to read models, by projection and path (inline, async, rebuild).',
      labelNames: ['projection', 'path'],
      registers: [registry],
    });
    this.rebuildProgress = new Gauge({
      name: 'tusk_projection_rebuild_progress_ratio',
      help: 'Progress of the running (or last) rebuild of a projection, from 0 to 1.',
      labelNames: ['projection'],
      registers: [registry],
    });
    this.rebuilds = new Counter({
      name: 'tusk_projection_rebuilds_total',
      help: 'Rebuilds run by this process, by projection and outcome (completed, failed).',
      labelNames: ['projection', 'outcome'],
      registers: [registry],
    });
  }
}
