/**
 * OpenTelemetry traces (issue 19), as the rest of tusk-es sees them. The engine, the HTTP
 * server, projections, sagas and publishers call this module only; otel.ts holds the SDK and is
 * imported (dynamically) only when `telemetry.otlp_endpoint` is set, so an app without tracing
 * never loads it and its hot path does no span work (`traced` with no tracing just calls).
 *
 * Parents are passed explicitly (a command gets its request's or saga step's span), never
 * through an async context: Node 20's AsyncLocalStorage hooks every promise of the process,
 * which alone cost more than the spans (bench/README.md, tracing). The work an event causes
 * runs later, elsewhere, often batched: its spans are children of the context the command
 * stored in the event's metadata (`traceparent`), or, for a batch of events of several traces,
 * new traces linked to each (see forEvents).
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';
import type { TelemetryConfig } from '../config/schema/telemetry.js';
import type { TraceContext } from './traceContext.js';

/** Attribute values a span accepts. */
export type SpanAttributes = Record<string, string | number | boolean>;

/** A span in progress: what a traced function may add to it, and the parent of its children. */
export interface SpanScope {
  setAttribute(key: string, value: string | number | boolean): void;
  /** Marks a moment of the span (a step too short to be worth a span of its own). */
  addEvent(name: string, attributes?: SpanAttributes): void;
}

/** Anything with event metadata (a StoredEvent, an EventJson). */
export interface WithMetadata {
  metadata: Record<string, unknown>;
}

/** Tracing as configured: spans go to the OTLP exporter. */
export interface Tracing {
  /** Runs `fn` in a new span, child of `parent` (none: a new trace); ends it when `fn` has settled. */
  span<T>(name: string, parent: SpanScope | undefined, fn: (span: SpanScope) => T, attributes?: SpanAttributes): T;
  /**
   * Starts span `name`, child of `parent` (none: a new trace), for a caller that ends it itself
   * with `finish` (the command's span: no closure and no promise of its own per command).
   */
  begin(name: string, parent: SpanScope | undefined, attributes?: SpanAttributes): SpanScope;
  /** Ends a span started by `begin`, recording `error` when the work failed. */
  finish(span: SpanScope, error?: unknown): void;
  /**
   * Runs `fn` in a span caused by `events`: a child of their trace context (metadata
   * `traceparent`) when they share one, else a new trace linked to each of their contexts.
   */
  forEvents<T>(name: string, events: readonly WithMetadata[], fn: (span: SpanScope) => T, attributes?: SpanAttributes): T;
  /**
   * Records a span that has just ended: `name`, child of `parent`, from `startedAt` (a
   * `performance.now()` reading) to now. For a step that is worth a span only on some paths,
   * known once it is done (a load that read the store, not the cache), or one whose work is
   * awaited in place (the append). `error`: the step failed with it.
   */
  record(name: string, parent: SpanScope, startedAt: number, attributes?: SpanAttributes, error?: unknown): void;
  /** `span` as a W3C trace context (what a command stores in its events' metadata). */
  contextOf(span: SpanScope): TraceContext;
  /** Starts the span of one HTTP request (parent: the client's traceparent); its ids are the request's log fields. */
  startRequest(raw: IncomingMessage): { readonly traceId: string; readonly spanId: string };
  /** The span of an HTTP request (started by startRequest). */
  requestSpan(raw: IncomingMessage): SpanScope | undefined;
  /**
   * Names the span of a request after its route, records its status and ends it, once: the
   * server's onResponse hook calls it, and the route of a hijacked reply (an SSE stream, which
   * fastify's onResponse never sees) when its connection closes.
   */
  endRequest(request: FastifyRequest, statusCode: number): void;
  /** Exports the spans still buffered, then stops exporting. */
  shutdown(): Promise<void>;
}

/** `fn` in span `name` (child of `parent`) when tracing is on; only `fn` otherwise (no span work at all). */
export function traced<T>(
  tracing: Tracing | undefined,
  name: string,
  parent: SpanScope | undefined,
  fn: (span?: SpanScope) => T,
  attributes?: SpanAttributes,
): T {
  return tracing === undefined ? fn() : tracing.span(name, parent, fn, attributes);
}

/** `fn` in a span caused by `events` when tracing is on; only `fn` otherwise. */
export function tracedEvents<T>(
  tracing: Tracing | undefined,
  name: string,
  events: readonly WithMetadata[],
  fn: (span?: SpanScope) => T,
  attributes?: SpanAttributes,
): T {
  return tracing === undefined ? fn() : tracing.forEvents(name, events, fn, attributes);
}

/** Starts tracing for `config`; undefined (and the SDK never loaded) without an endpoint. */
export async function startTracing(config: TelemetryConfig | undefined): Promise<Tracing | undefined> {
  if (config?.otlp_endpoint === undefined) return undefined;
  const { OtelTracing } = await import('./otel.js');
  return new OtelTracing({ ...config, otlp_endpoint: config.otlp_endpoint });
}

/** Stops `tracing`: exports what is buffered. */
export async function stopTracing(tracing: Tracing): Promise<void> {
  await tracing.shutdown();
}

/**
 * Runs `fn` with each of `events` in its own span (a child of the event's trace context), and
 * the events stamped with their span's context, so the next hop (a webhook, a broker message)
 * continues from the span that delivered it. Without tracing, `fn(events)`.
 */
export function tracedEach<E extends WithMetadata, T>(
  tracing: Tracing | undefined,
  name: string,
  events: readonly E[],
  fn: (stamped: readonly E[]) => Promise<T>,
  attributes?: SpanAttributes,
): Promise<T> {
  if (tracing === undefined) return fn(events);
  const stamped: E[] = [];
  const open = (i: number): Promise<T> => {
    if (i === events.length) return fn(stamped);
    const event = events[i]!;
    return tracing.forEvents(
      name,
      [event],
      (span) => {
        stamped.push({ ...event, metadata: { ...event.metadata, ...tracing.contextOf(span) } });
        return open(i + 1);
      },
      attributes,
    );
  };
  return open(0);
}
