/**
 * Prometheus metrics of one runtime (one registry per runtime, so tests can run several
 * servers in one process): commands by type/outcome, command duration, events appended,
 * HTTP requests. Other parts (projections, sagas, publishers) register theirs on `registry`.
 */
import { AggregatorRegistry, Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CommandObserver } from '../engine/EngineContext.js';
import { CounterSeries, HistogramSeries } from './metricSeries.js';

/** The series of one (method, route) or (aggregate type, command): its duration, and its counts by status or outcome. */
interface SeriesGroup<K> {
  readonly duration: HistogramSeries;
  readonly counts: Map<K, CounterSeries>;
}

/** The metrics of one runtime. */
export class RuntimeMetrics implements CommandObserver {
  readonly registry = new Registry();
  readonly commands = new Counter({
    name: 'tusk_commands_total',
    help: 'Commands handled, by aggregate type, command and outcome (accepted or an error code).',
    labelNames: ['aggregate_type', 'command', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly commandDuration = new Histogram({
    name: 'tusk_command_duration_seconds',
    help: 'Time to handle a command, from validation to append.',
    labelNames: ['aggregate_type', 'command'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly eventsAppendedTotal = new Counter({
    name: 'tusk_events_appended_total',
    help: 'Events appended to the store by commands.',
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: 'tusk_http_requests_total',
    help: 'HTTP requests, by method, route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'tusk_http_request_duration_seconds',
    help: 'HTTP request duration, by method and route.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /** method → route → series: found by the label values, not hashed by prom-client per call (metricSeries.ts). */
  private readonly httpSeries = new Map<string, Map<string, SeriesGroup<number>>>();
  /** aggregate type → command → series (the same for commands). */
  private readonly commandSeries = new Map<string, Map<string, SeriesGroup<string>>>();

  /** Registries shown with this one on /metrics to a viewer (a sharded app's front: its tenant runtimes', labelled `tenant`). */
  private included: (viewer: string | null) => readonly Registry[] = () => [];

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics === true) collectDefaultMetrics({ register: this.registry, prefix: 'tusk_' });
  }

  /** Shows the registries `others` returns (at each scrape, for the viewer's tenant; null: an operator) with this one on /metrics. */
  include(others: (viewer: string | null) => readonly Registry[]): void {
    this.included = others;
  }

  /**
   * The text of /metrics for `viewer` (the tenant of the request; null: no tenant): this
   * registry's, merged family by family with the included ones (Prometheus wants each metric
   * family once; their samples differ by their `tenant` label).
   */
  async exposition(viewer: string | null = null): Promise<string> {
    const others = this.included(viewer);
    if (others.length === 0) return this.registry.metrics();
    const parts = await Promise.all([this.registry, ...others].map((r) => r.getMetricsAsJSON()));
    return AggregatorRegistry.aggregate(parts).metrics();
  }

  /** CommandObserver: one command finished. */
  commandFinished(aggregateType: string, command: string, outcome: string, seconds: number): void {
    // Unknown types/commands would otherwise let clients create unbounded label values.
    const known = outcome !== 'UNKNOWN_AGGREGATE_TYPE' && outcome !== 'UNKNOWN_COMMAND';
    const type = known ? aggregateType : '(unknown)';
    const name = known ? command : '(unknown)';
    const group =
      this.commandSeries.get(type)?.get(name) ??
      addGroup(this.commandSeries, type, name, {
        duration: new HistogramSeries(this.commandDuration, { aggregate_type: type, command: name }),
        counts: new Map(),
      });
    let count = group.counts.get(outcome);
    if (count === undefined) {
      count = new CounterSeries(this.commands, { aggregate_type: type, command: name, outcome });
      group.counts.set(outcome, count);
    }
    count.inc();
    group.duration.observe(seconds);
  }

  /** One HTTP request answered: `route` is the matched route's pattern (or "(unmatched)"). */
  httpRequestEnded(method: string, route: string, status: number, seconds: number): void {
    const group =
      this.httpSeries.get(method)?.get(route) ??
      addGroup(this.httpSeries, method, route, { duration: new HistogramSeries(this.httpDuration, { method, route }), counts: new Map() });
    let count = group.counts.get(status);
    if (count === undefined) {
      count = new CounterSeries(this.httpRequests, { method, route, status: String(status) });
      group.counts.set(status, count);
    }
    count.inc();
    group.duration.observe(seconds);
  }

  /** CommandObserver: events were appended. */
  eventsAppended(count: number): void {
    this.eventsAppendedTotal.inc(count);
  }
}

/** Adds `group` as (a, b)'s in `table`; returns it. */
function addGroup<K>(table: Map<string, Map<string, SeriesGroup<K>>>, a: string, b: string, group: SeriesGroup<K>): SeriesGroup<K> {
  let inner = table.get(a);
  if (inner === undefined) {
    inner = new Map();
    table.set(a, inner);
  }
  inner.set(b, group);
  return group;
}
