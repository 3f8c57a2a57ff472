/** Hot-tier counters on the runtime's registry (GET /metrics), by aggregate type. */
import { Counter, type Registry } from 'prom-client';

/** The cache counters. */
export class CacheMetrics {
  readonly hits: Counter<'aggregate_type'>;
  readonly misses: Counter<'aggregate_type'>;
  readonly errors: Counter<'operation'>;
  readonly writes: Counter<'aggregate_type'>;

  constructor(registry: Registry) {
    this.hits = new Counter({
      name: 'tusk_cache_hits_total',
      help: 'Aggregate loads that started from a state cached in Redis, by aggregate type.',
      labelNames: ['aggregate_type'],
      registers: [registry],
    });
    this.misses = new Counter({
      name: 'tusk_cache_misses_total',
      help: 'Aggregate loads that found no usable state in Redis, by aggregate type.',
      labelNames: ['aggregate_type'],
      registers: [registry],
    });
    this.errors = new Counter({
      name: 'tusk_cache_errors_total',
      help: 'Redis commands that failed, timed out or were skipped while Redis was unreachable, by operation (get, set, delete).',
      labelNames: ['operation'],
      registers: [registry],
    });
    this.writes = new Counter({
      name: 'tusk_cache_writes_total',
      help: 'States written to Redis (after a commit or a load), by aggregate type.',
      labelNames: ['aggregate_type'],
      registers: [registry],
    });
  }
}
