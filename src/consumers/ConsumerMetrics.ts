/**
 * Metrics of every consumer of one runtime (on `runtime.metrics.registry`), by consumer and
 * partition: how far behind the log it is, whether this process owns the partition, failures.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

const byRegistry = new WeakMap<Registry, ConsumerMetrics>();

/** The consumer gauges and counters. */
export class ConsumerMetrics {
  readonly lag: Gauge<'consumer' | 'partition'>;
  readonly owned: Gauge<'consumer' | 'partition'>;
  readonly failures: Counter<'consumer'>;
  readonly deadLetters: Counter<'consumer' | 'status'>;

  /** The consumer metrics of `registry` (created on first use: a registry takes each name once). */
  static of(registry: Registry): ConsumerMetrics {
    let metrics = byRegistry.get(registry);
    if (metrics === undefined) byRegistry.set(registry, (metrics = new ConsumerMetrics(registry)));
    return metrics;
  }

  private constructor(registry: Registry) {
    this.lag = new Gauge({
      name: 'tusk_consumer_lag_events',
      help: 'Log positions between the head of the log and the checkpoint of a consumer partition (set by the process that owns it).',
      labelNames: ['consumer', 'partition'],
      registers: [registry],
    });
    this.owned = new Gauge({
      name: 'tusk_consumer_partition_owned',
      help: '1 while this process holds the lease of a consumer partition (it is the owner), 0 otherwise.',
      labelNames: ['consumer', 'partition'],
      registers: [registry],
    });
    this.failures = new Counter({
      name: 'tusk_consumer_failures_total',
      help: 'Batches of a consumer that failed in this process (retried; see on_error).',
      labelNames: ['consumer'],
      registers: [registry],
    });
    this.deadLetters = new Counter({
      name: 'tusk_consumer_dead_letters_total',
      help: 'Events a consumer gave up on in this process after max_retries, by what on_error did (status parked or skipped).',
      labelNames: ['consumer', 'status'],
      registers: [registry],
    });
  }
}
