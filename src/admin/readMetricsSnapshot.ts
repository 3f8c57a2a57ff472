/**
 * The few figures the admin overview charts, read from the runtime's own Prometheus metrics
 * (no Prometheus server needed): counters as running totals and the command-duration
 * histogram as cumulative bucket counts. The page polls this and turns the differences between
 * two polls into rates and a p99.
 */
import type { RuntimeMetrics } from '../runtime/metrics.js';
import type { MetricsSnapshot } from './MetricsSnapshot.js';

/** Reads the totals from `metrics`. */
export async function readMetricsSnapshot(metrics: RuntimeMetrics): Promise<MetricsSnapshot> {
  const commands = (await metrics.commands.get()).values;
  const buckets = new Map<number, number>();
  for (const v of (await metrics.commandDuration.get()).values) {
    if (v.metricName !== 'tusk_command_duration_seconds_bucket') continue;
    const bound = (v.labels as { le?: string | number }).le;
    const le = bound === '+Inf' ? Number.POSITIVE_INFINITY : Number(bound);
    buckets.set(le, (buckets.get(le) ?? 0) + v.value);
  }
  return {
    at: Date.now(),
    commands: commands.reduce((n, v) => n + v.value, 0),
    command_errors: commands.filter((v) => v.labels.outcome !== 'accepted').reduce((n, v) => n + v.value, 0),
    events: sum((await metrics.eventsAppendedTotal.get()).values),
    http_requests: sum((await metrics.httpRequests.get()).values),
    command_latency: [...buckets].sort(([a], [b]) => a - b).map(([le, n]) => [Number.isFinite(le) ? le : null, n]),
  };
}

function sum(values: readonly { value: number }[]): number {
  return values.reduce((n, v) => n + v.value, 0);
}
