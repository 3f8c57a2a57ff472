/**
 * One label set of a prom-client Counter or Histogram, counted without prom-client hashing
 * the labels on every call. prom-client (15.x) keeps a metric's series in `hashMap`, keyed by
 * a string built from the label values; each `inc`/`observe` builds that string, validates
 * the labels and looks it up (~1.5–2 % of the server's CPU per HTTP command, three calls per
 * command: bench/README.md, http_pg_app at stop 20). A series here makes its label set's
 * first call through prom-client's own API, takes the record prom-client made for it, and
 * adds later calls to that record in place, as prom-client would: /metrics, `get()` and the
 * aggregation across registries read the same records, so their output is unchanged.
 * A record prom-client dropped since (reset, remove) is noticed and the call goes through
 * prom-client again. The layout read here is prom-client's lib/counter.js (setValue) and
 * lib/histogram.js (createBaseValues, observe); test/telemetry's /metrics test pins it.
 */
import type { Counter, Histogram } from 'prom-client';

type Labels = Record<string, string>;

/** prom-client's record of one counter series. */
interface CounterRecord {
  value: number;
  labels: Labels;
}

/** prom-client's record of one histogram series. */
interface HistogramRecord {
  labels: Labels;
  bucketValues: Record<string, number>;
  sum: number;
  count: number;
}

/** The internals of a prom-client metric a series reads. */
interface MetricInternals<R> {
  hashMap: Record<string, R>;
  labelNames: readonly string[];
  upperBounds?: readonly number[];
}

/** The key and record prom-client holds for `labels` in `metric`, or undefined. */
function findRecord<R extends { labels: Labels }>(metric: MetricInternals<R>, labels: Labels): [string, R] | undefined {
  for (const key of Object.keys(metric.hashMap)) {
    const record = metric.hashMap[key]!;
    if (metric.labelNames.every((name) => record.labels[name] === labels[name])) return [key, record];
  }
  return undefined;
}

/** One label set of a Counter: `inc()` adds 1. */
export class CounterSeries {
  private key = '';
  private record: CounterRecord | undefined;

  constructor(
    private readonly counter: Counter<string>,
    private readonly labels: Labels,
  ) {}

  /** Adds 1 to the series. */
  inc(): void {
    const internals = this.counter as unknown as MetricInternals<CounterRecord>;
    const record = this.record;
    if (record !== undefined && internals.hashMap[this.key] === record) {
      record.value += 1;
      return;
    }
    this.counter.inc(this.labels);
    [this.key, this.record] = findRecord(internals, this.labels) ?? ['', undefined];
  }
}

/** One label set of a Histogram: `observe(value)` counts a value. */
export class HistogramSeries {
  private key = '';
  private record: HistogramRecord | undefined;
  private readonly bounds: readonly number[];
  /** bucketValues' property for each bound, as prom-client keys it (the bound as a property name). */
  private bucketKeys: readonly string[] = [];

  constructor(
    private readonly histogram: Histogram<string>,
    private readonly labels: Labels,
  ) {
    this.bounds = (histogram as unknown as MetricInternals<HistogramRecord>).upperBounds ?? [];
  }

  /** Counts `value` in the series. */
  observe(value: number): void {
    const internals = this.histogram as unknown as MetricInternals<HistogramRecord>;
    const record = this.record;
    // A value prom-client refuses (not finite) goes to prom-client, which throws.
    if (record === undefined || internals.hashMap[this.key] !== record || !Number.isFinite(value)) {
      this.histogram.observe(this.labels, value);
      this.bind(internals);
      return;
    }
    record.sum += value;
    record.count += 1;
    // Above the last bound: only the count (+Inf is the count), as prom-client does.
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]!) {
        record.bucketValues[this.bucketKeys[i]!]! += 1;
        return;
      }
    }
  }

  private bind(internals: MetricInternals<HistogramRecord>): void {
    const found = findRecord(internals, this.labels);
    const names = found === undefined ? [] : Object.keys(found[1].bucketValues);
    const keys = this.bounds.map((bound) => names.find((name) => name === String(bound)));
    // A layout not as expected (another prom-client): every call keeps going through prom-client.
    if (found === undefined || keys.includes(undefined)) return;
    this.bucketKeys = keys as string[];
    [this.key, this.record] = found;
  }
}
