/**
 * A finished span as the export worker receives it (exportWorker.ts): a flat tuple of strings
 * and numbers, because a batch of those crosses to the worker thread (structured clone) for a
 * fraction of what the SDK's span objects would cost, and lets the main thread drop the span at
 * once (short-lived objects are what its garbage collector handles cheaply).
 */
import type { Attributes, HrTime, Link, SpanContext } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import type { Resource } from '@opentelemetry/resources';

/** One event of a span: name, time, attributes. */
type EventRecord = [name: string, seconds: number, nanos: number, attributes: Attributes | undefined];
/** One link of a span: the linked span's trace id, span id and trace state. */
type LinkRecord = [traceId: string, spanId: string, traceState: string | undefined];

/** A finished span, flattened. */
export type SpanRecord = [
  traceId: string,
  spanId: string,
  traceFlags: number,
  traceState: string | undefined,
  parentSpanId: string | undefined,
  parentIsRemote: boolean,
  name: string,
  kind: number,
  startSeconds: number,
  startNanos: number,
  endSeconds: number,
  endNanos: number,
  attributes: Attributes,
  statusCode: number,
  statusMessage: string | undefined,
  events: EventRecord[] | undefined,
  links: LinkRecord[] | undefined,
];

/** `span` flattened for the worker. */
export function toRecord(span: ReadableSpan): SpanRecord {
  const context = span.spanContext();
  const parent = span.parentSpanContext;
  return [
    context.traceId,
    context.spanId,
    context.traceFlags,
    context.traceState?.serialize(),
    parent?.spanId,
    parent?.isRemote === true,
    span.name,
    span.kind,
    span.startTime[0],
    span.startTime[1],
    span.endTime[0],
    span.endTime[1],
    span.attributes,
    span.status.code,
    span.status.message,
    span.events.length === 0 ? undefined : span.events.map((e) => [e.name, e.time[0], e.time[1], e.attributes]),
    span.links.length === 0 ? undefined : span.links.map((l) => [l.context.traceId, l.context.spanId, l.context.traceState?.serialize()]),
  ];
}

// The serializer only calls serialize() on a trace state.
const traceStateOf = (value: string | undefined) =>
  value === undefined ? undefined : ({ serialize: () => value } as SpanContext['traceState']);
const NO_DURATION: HrTime = [0, 0];

/** The span a record describes, as the OTLP exporter reads it. */
export function fromRecord(r: SpanRecord, resource: Resource, scope: ReadableSpan['instrumentationScope']): ReadableSpan {
  const context: SpanContext = { traceId: r[0], spanId: r[1], traceFlags: r[2], traceState: traceStateOf(r[3]) };
  const events: TimedEvent[] = (r[15] ?? []).map(([name, s, n, attributes]) => ({ name, time: [s, n], attributes }));
  const links: Link[] = (r[16] ?? []).map(([traceId, spanId, state]) => ({
    context: { traceId, spanId, traceFlags: 1, traceState: traceStateOf(state) },
  }));
  return {
    name: r[6],
    kind: r[7],
    spanContext: () => context,
    parentSpanContext:
      r[4] === undefined ? undefined : { traceId: r[0], spanId: r[4], traceFlags: r[2], isRemote: r[5], traceState: context.traceState },
    startTime: [r[8], r[9]],
    endTime: [r[10], r[11]],
    status: r[14] === undefined ? { code: r[13] } : { code: r[13], message: r[14] },
    attributes: r[12],
    links,
    events,
    duration: NO_DURATION,
    ended: true,
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}
