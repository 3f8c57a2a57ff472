/**
 * The OpenTelemetry SDK behind tracing.ts: a tracer provider sampling new traces at
 * `sample_ratio` (a caller's decision is followed) whose spans a worker thread exports over
 * OTLP/HTTP protobuf (WorkerSpanProcessor). Loaded only when tracing is configured (tracing.ts
 * imports it dynamically).
 */
import type { IncomingMessage } from 'node:http';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  defaultTextMapGetter,
  trace,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BasicTracerProvider, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TelemetryConfig } from '../config/schema/telemetry.js';
import { isTuskError } from '../errors.js';
import { traceContextOf, type TraceContext } from './traceContext.js';
import type { SpanAttributes, SpanScope, Tracing, WithMetadata } from './tracing.js';
import { WorkerSpanProcessor } from './WorkerSpanProcessor.js';

const SCOPE = 'tusk-es';
/** Where a request (Node's request object) and its logger keep the request's span. */
const SPAN = Symbol('tusk.span');
type Carrier = { [SPAN]?: Span | undefined };
/** Where a span keeps the context that makes it a parent (made once: a command's steps share it). */
const CONTEXT = Symbol('tusk.context');
type Parent = Span & { [CONTEXT]?: Context };
// A span of a batch links at most this many traces (OTel's default link limit is 128).
const MAX_LINKS = 64;

/** Where spans go: the base endpoint as OTEL_EXPORTER_OTLP_ENDPOINT, or already the traces URL. */
export function tracesUrl(endpoint: string): string {
  return /\/v1\/traces\/?$/.test(endpoint) ? endpoint : `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/** Tracing through the OpenTelemetry SDK. */
export class OtelTracing implements Tracing {
  private readonly provider: BasicTracerProvider;
  private readonly tracer;
  private readonly propagator = new W3CTraceContextPropagator();

  constructor(config: TelemetryConfig & { otlp_endpoint: string }) {
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': config.service_name }),
      // ratio 1 samples every trace: AlwaysOn decides so without hashing each trace id
      sampler: new ParentBasedSampler({
        root: config.sample_ratio >= 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(config.sample_ratio),
      }),
      spanProcessors: [
        new WorkerSpanProcessor(
          { url: tracesUrl(config.otlp_endpoint), resource: { 'service.name': config.service_name }, scopeName: SCOPE },
          { maxQueueSize: 16_384, batchSize: 512, delayMs: 100 },
        ),
      ],
    });
    this.tracer = this.provider.getTracer(SCOPE);
  }

  span<T>(name: string, parent: SpanScope | undefined, fn: (span: SpanScope) => T, attributes?: SpanAttributes): T {
    const span = this.tracer.startSpan(
      name,
      attributes === undefined ? {} : { attributes },
      parent === undefined ? ROOT_CONTEXT : parentContext(parent as Parent),
    );
    return settle(span, fn);
  }

  record(name: string, parent: SpanScope, startedAt: number, attributes?: SpanAttributes): void {
    // both times on the performance clock (a number below performance.now() is one to the SDK)
    const options = attributes === undefined ? { startTime: startedAt } : { startTime: startedAt, attributes };
    this.tracer.startSpan(name, options, parentContext(parent as Parent)).end(performance.now());
  }

  forEvents<T>(name: string, events: readonly WithMetadata[], fn: (span: SpanScope) => T, attributes?: SpanAttributes): T {
    const causes = new Map<string, Context>();
    for (const e of events) {
      const carrier = traceContextOf(e.metadata);
      if (carrier !== undefined && !causes.has(carrier.traceparent))
        causes.set(carrier.traceparent, this.propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter));
    }
    const contexts = [...causes.values()];
    // One cause: its child. Several (a batch of many commands' events): a new trace linked to each.
    const parent = contexts.length === 1 ? contexts[0]! : ROOT_CONTEXT;
    const links: Link[] = contexts.length > 1 ? contexts.slice(0, MAX_LINKS).flatMap((c) => spanLink(c)) : [];
    const span = this.tracer.startSpan(
      name,
      { kind: SpanKind.CONSUMER, links, ...(attributes !== undefined ? { attributes } : {}) },
      parent,
    );
    return settle(span, fn);
  }

  contextOf(span: SpanScope): TraceContext {
    // what W3CTraceContextPropagator.inject writes, without a context and a carrier per call
    const { traceId, spanId, traceFlags, traceState } = (span as Span).spanContext();
    const traceparent = `00-${traceId}-${spanId}-0${(traceFlags & 0xff).toString(16)}`;
    const state = traceState?.serialize();
    return state ? { traceparent, tracestate: state } : { traceparent };
  }

  requestSpan(raw: IncomingMessage): SpanScope | undefined {
    return (raw as Carrier)[SPAN];
  }

  logFields(logger: object): { trace_id: string; span_id: string } | undefined {
    const span = (logger as Carrier)[SPAN];
    if (span === undefined) return undefined;
    const { traceId, spanId } = span.spanContext();
    return { trace_id: traceId, span_id: spanId };
  }

  startRequest(raw: IncomingMessage, logger: object): void {
    const parent = this.propagator.extract(ROOT_CONTEXT, raw.headers, defaultTextMapGetter);
    const span = this.tracer.startSpan(
      raw.method ?? 'HTTP',
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': raw.method ?? '', 'url.path': pathOf(raw.url ?? '') } },
      parent,
    );
    // on the objects themselves: a property costs less than a WeakMap entry per request
    (raw as Carrier)[SPAN] = span;
    (logger as Carrier)[SPAN] = span;
  }

  instrumentHttp(app: FastifyInstance): void {
    // one callback hook (no promise per request); the route is known by the response
    app.addHook('onResponse', (request, reply, done) => {
      endRequestSpan(request, reply.statusCode);
      done();
    });
  }

  endRequest(request: FastifyRequest, statusCode: number): void {
    endRequestSpan(request, statusCode);
  }

  async shutdown(): Promise<void> {
    await this.provider.shutdown();
  }
}

/** Names the span of `request` after its route, records its status and ends it (once). */
function endRequestSpan(request: FastifyRequest, statusCode: number): void {
  const raw = request.raw as Carrier;
  const span = raw[SPAN];
  if (span === undefined) return;
  const route = request.routeOptions.url;
  if (route !== undefined) {
    span.updateName(`${request.method} ${route}`);
    span.setAttribute('http.route', route);
  }
  span.setAttribute('http.response.status_code', statusCode);
  if (statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
  raw[SPAN] = undefined;
}

/** Runs `fn` and ends `span` when it has settled, recording a failure. */
function settle<T>(span: Span, fn: (span: SpanScope) => T): T {
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

function fail(span: Span, err: unknown): void {
  if (isTuskError(err)) span.setAttribute('tusk.error.code', err.code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
  span.end();
}

/** The path of a request target, without its query (no array per request, as split would make). */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function parentContext(parent: Parent): Context {
  return (parent[CONTEXT] ??= trace.setSpan(ROOT_CONTEXT, parent));
}

function spanLink(c: Context): Link[] {
  const spanContext = trace.getSpanContext(c);
  return spanContext === undefined ? [] : [{ context: spanContext }];
}
