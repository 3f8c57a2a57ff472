/**
 * Tracing behind tracing.ts: spans recorded as RecordedSpans (recordedSpan.ts), sampled as the
 * SDK's ParentBasedSampler does (a caller's or parent's decision is followed; a new trace is
 * sampled at `sample_ratio`), written as OTLP protobuf when they end and exported by a worker
 * thread through the official OTLP/HTTP exporter (WorkerSpanProcessor, exportWorker.ts).
 * Loaded only when tracing is configured (tracing.ts imports it dynamically).
 */
import { randomFillSync } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import type { FastifyRequest } from 'fastify';
import type { TelemetryConfig } from '../config/schema/telemetry.js';
import { isTuskError } from '../errors.js';
import { SpanNames } from './spanNames.js';
import { KeptTraceState, RecordedSpan, type ParentIds, type SpanLink, type SpanSink } from './recordedSpan.js';
import { parseTraceparent, traceContextOf, type TraceContext } from './traceContext.js';
import type { SpanAttributes, SpanScope, Tracing, WithMetadata } from './tracing.js';
import { WorkerSpanProcessor } from './WorkerSpanProcessor.js';

const SCOPE = 'tusk-es';
/** Where a request (Node's request object) keeps the request's span. */
const SPAN = Symbol('tusk.span');
type Carrier = { [SPAN]?: RecordedSpan | undefined };
// A span of a batch links at most this many traces (OTel's default link limit is 128).
const MAX_LINKS = 64;

/** Where spans go: the base endpoint as OTEL_EXPORTER_OTLP_ENDPOINT, or already the traces URL. */
export function tracesUrl(endpoint: string): string {
  return /\/v1\/traces\/?$/.test(endpoint) ? endpoint : `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/** Tracing to an OTLP/HTTP endpoint. */
export class OtelTracing implements Tracing {
  private readonly processor: WorkerSpanProcessor;
  private readonly sink: SpanSink;
  private readonly ratio: number;

  constructor(config: TelemetryConfig & { otlp_endpoint: string }) {
    this.ratio = config.sample_ratio;
    this.processor = new WorkerSpanProcessor(
      { url: tracesUrl(config.otlp_endpoint), resource: { 'service.name': config.service_name }, scopeName: SCOPE },
      // a message per 4,096 spans or 500 ms: each wakes the worker, which takes a core from the
      // requests, and its exports cost about as much per request as per span (bench/README.md, tracing)
      { maxQueueSize: 32_768, batchSize: 4096, delayMs: 500 },
    );
    this.sink = (span) => this.processor.onEnd(span);
  }

  span<T>(name: string, parent: SpanScope | undefined, fn: (span: SpanScope) => T, attributes?: SpanAttributes): T {
    return settle(this.start(name, SpanKind.INTERNAL, parent as RecordedSpan | undefined, attributes), fn);
  }

  begin(name: string, parent: SpanScope | undefined, attributes?: SpanAttributes): SpanScope {
    return this.start(name, SpanKind.INTERNAL, parent as RecordedSpan | undefined, attributes);
  }

  finish(span: SpanScope, error?: unknown): void {
    if (error === undefined) (span as RecordedSpan).end();
    else fail(span as RecordedSpan, error);
  }

  record(name: string, parent: SpanScope, startedAt: number, attributes?: SpanAttributes, error?: unknown): void {
    this.finish(this.start(name, SpanKind.INTERNAL, parent as RecordedSpan, attributes, startedAt), error);
  }

  forEvents<T>(name: string, events: readonly WithMetadata[], fn: (span: SpanScope) => T, attributes?: SpanAttributes): T {
    const causes = new Map<string, ParentIds>();
    for (const e of events) {
      const carrier = traceContextOf(e.metadata);
      if (carrier !== undefined && !causes.has(carrier.traceparent)) causes.set(carrier.traceparent, remoteParent(carrier)!);
    }
    // One cause: its child. Several (a batch of many commands' events): a new trace linked to each.
    const contexts = [...causes.values()];
    if (contexts.length === 1) return settle(this.start(name, SpanKind.CONSUMER, contexts[0], attributes), fn);
    const links: SpanLink[] = contexts.slice(0, MAX_LINKS).map((context) => ({ context }));
    return settle(this.start(name, SpanKind.CONSUMER, undefined, attributes, undefined, links), fn);
  }

  contextOf(span: SpanScope): TraceContext {
    const { traceId, spanId, traceFlags, traceState } = span as RecordedSpan;
    const traceparent = `00-${traceId}-${spanId}-${FLAGS[traceFlags & 0xff]!}`;
    const state = traceState?.serialize();
    return state ? { traceparent, tracestate: state } : { traceparent };
  }

  requestSpan(raw: IncomingMessage): SpanScope | undefined {
    return (raw as Carrier)[SPAN];
  }

  startRequest(raw: IncomingMessage): RecordedSpan {
    // most requests bring no trace context: nothing to look at
    const parent = raw.headers.traceparent === undefined ? undefined : remoteParent(traceContextOf(raw.headers));
    const span = this.start(raw.method ?? 'HTTP', SpanKind.SERVER, parent, undefined);
    // set, not passed: the span owns them (the route and status are added at the end)
    span.setAttribute('http.request.method', raw.method ?? '');
    span.setAttribute('url.path', pathOf(raw.url ?? ''));
    // on the object itself: a property costs less than a WeakMap entry per request
    (raw as Carrier)[SPAN] = span;
    return span;
  }

  endRequest(request: FastifyRequest, statusCode: number): void {
    endRequestSpan(request, statusCode);
  }

  async shutdown(): Promise<void> {
    await this.processor.shutdown();
  }

  /**
   * A new span, child of `parent` (none: the root of a new trace). Sampling as the SDK's
   * ParentBasedSampler: a child follows its parent's decision, a new trace is sampled at the
   * configured ratio. An unsampled span has ids (its children and the traceparent it hands on
   * need them) and records nothing.
   */
  private start(
    name: string,
    kind: SpanKind,
    parent: ParentIds | undefined,
    attributes: SpanAttributes | undefined,
    startedAt?: number,
    links?: SpanLink[],
  ): RecordedSpan {
    const sampled = parent !== undefined ? (parent.traceFlags & TraceFlags.SAMPLED) !== 0 : this.ratio >= 1 || Math.random() < this.ratio;
    return new RecordedSpan(
      parent?.traceId ?? randomId(16),
      randomId(8),
      sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
      parent?.traceState,
      parent,
      name,
      kind,
      startedAt ?? performance.now(),
      attributes,
      links,
      sampled ? this.sink : undefined,
    );
  }
}

/** The parent a W3C trace context names (from a request's headers or an event's metadata). */
function remoteParent(carrier: TraceContext | undefined): ParentIds | undefined {
  const ids = carrier === undefined ? undefined : parseTraceparent(carrier.traceparent);
  if (ids === undefined) return undefined;
  return {
    ...ids,
    isRemote: true,
    ...(carrier!.tracestate !== undefined ? { traceState: new KeptTraceState(carrier!.tracestate) } : {}),
  };
}

// Ids come from a pool of crypto randomness refilled 16 KB at a time and written as hex once
// per refill: a call (or a number's toString(16)) per id cost more than the rest of a span
// (bench/README.md, tracing). An id is a slice of that hex.
const POOL = Buffer.allocUnsafe(16 * 1024);
let hex = '';
let used = POOL.length;

/** `bytes` random bytes as lowercase hex, never all zeros (an invalid id). */
function randomId(bytes: number): string {
  if (used + bytes > POOL.length) {
    randomFillSync(POOL);
    hex = POOL.toString('hex');
    used = 0;
  }
  const start = used;
  used += bytes;
  for (let i = start; i < used; i++) if (POOL[i] !== 0) return hex.slice(2 * start, 2 * used);
  return `${hex.slice(2 * start, 2 * used - 1)}1`;
}

/** Trace flags as the two hex digits of a traceparent. */
const FLAGS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** The request spans' names, `<method> <route>` (routes are the server's, a bounded set). */
const REQUEST_SPANS = new SpanNames((method, route) => `${method} ${route}`);

/** Names the span of `request` after its route, records its status and ends it (once). */
function endRequestSpan(request: FastifyRequest, statusCode: number): void {
  const raw = request.raw as Carrier;
  const span = raw[SPAN];
  if (span === undefined) return;
  const route = request.routeOptions.url;
  if (route !== undefined) {
    span.updateName(REQUEST_SPANS.get(request.method, route));
    span.setAttribute('http.route', route);
  }
  span.setAttribute('http.response.status_code', statusCode);
  if (statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
  raw[SPAN] = undefined;
}

/** Runs `fn` and ends `span` when it has settled, recording a failure. */
function settle<T>(span: RecordedSpan, fn: (span: SpanScope) => T): T {
  let result: T;
  try {
    result = fn(span);
  } catch (err) {
    fail(span, err);
    throw err;
  }
  if (!(result instanceof Promise)) {
    span.end();
    return result;
  }
  return result.then(
    (value: unknown) => {
      span.end();
      return value;
    },
    (err: unknown) => {
      fail(span, err);
      throw err;
    },
  ) as T;
}

function fail(span: RecordedSpan, err: unknown): void {
  if (isTuskError(err)) span.setAttribute('tusk.error.code', err.code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
  span.end();
}

/** The path of a request target, without its query (no array per request, as split would make). */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
