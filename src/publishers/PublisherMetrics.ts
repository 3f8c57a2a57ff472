/**
 * Publisher metrics on the runtime's registry (GET /metrics), by relay. Counters count what
 * this process did; the up gauge is set by the process holding the relay's lease.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

/** The relay counters and gauges. */
export class PublisherMetrics {
  readonly delivered: Counter<'relay'>;
  readonly retried: Counter<'relay'>;
  readonly resent: Counter<'relay'>;
  readonly deadLettered: Counter<'relay'>;
  readonly up: Gauge<'relay'>;

  constructor(registry: Registry) {
    this.delivered = new Counter({
      name: 'tusk_publisher_delivered_total',
      help: 'Events acknowledged by the target, by relay.',
      labelNames: ['relay'],
      registers: [registry],
    });
    this.retried = new Counter({
      name: 'tusk_publisher_retries_total',
      help: 'Delivery attempts made again after a failure or while the target was unreachable, by relay.',
      labelNames: ['relay'],
      registers: [registry],
    });
    this.resent = new Counter({
      name: 'tusk_publisher_resent_total',
      help: 'Events sent again by a retry (each one may reach the target twice: at-least-once), by relay.',
      labelNames: ['relay'],
      registers: [registry],
    });
    this.deadLettered = new Counter({
      name: 'tusk_publisher_dead_letters_total',
      help: 'Events given up after max_retries and written to the dead-letter table, by relay.',
      labelNames: ['relay'],
      registers: [registry],
    });
    this.up = new Gauge({
      name: 'tusk_publisher_target_up',
      help: '1 while the last delivery reached the target, 0 while it is unreachable, by relay.',
      labelNames: ['relay'],
      registers: [registry],
    });
  }
}
