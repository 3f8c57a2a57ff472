/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) carried through the log: a
 * `traceparent` (and `tracestate`) sent with a command is kept in its events' metadata, and
 * every delivery of those events (webhook request, Kafka and RabbitMQ headers) carries it, so
 * a consumer continues the caller's trace. Without `telemetry`, tusk-es forwards the context
 * unchanged, as a non-participating intermediary does; with it, the command's own span takes
 * the caller's place (tracing.ts).
 */

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** The trace context of a request or an event. */
export interface TraceContext {
  traceparent: string;
  tracestate?: string;
}

/**
 * A valid `traceparent`, else undefined (the spec says to ignore an invalid one, not refuse
 * the request): version not ff, ids not all zeros, version 00 exactly 55 characters. With its
 * trace flags (bit 0: the caller sampled the trace).
 */
export function parseTraceparent(value: unknown): { traceId: string; spanId: string; traceFlags: number } | undefined {
  if (typeof value !== 'string') return undefined;
  const m = TRACEPARENT.exec(value.trim());
  if (m === null) return undefined;
  const [, version, traceId, spanId, flags, rest] = m;
  if (version === 'ff' || /^0+$/.test(traceId!) || /^0+$/.test(spanId!)) return undefined;
  if (version === '00' && rest !== undefined) return undefined;
  return { traceId: traceId!, spanId: spanId!, traceFlags: parseInt(flags!, 16) };
}

/** The context of request headers (or event metadata), when its traceparent is valid. */
export function traceContextOf(source: Record<string, unknown>): TraceContext | undefined {
  const first = (v: unknown) => (Array.isArray(v) ? v[0] : v) as unknown;
  const parent = first(source.traceparent);
  if (parseTraceparent(parent) === undefined) return undefined;
  const state = first(source.tracestate);
  // tracestate is forwarded only with a valid traceparent, and only when it is within the spec's bounds
  return {
    traceparent: (parent as string).trim(),
    ...(typeof state === 'string' && boundedTracestate(state) ? { tracestate: state } : {}),
  };
}

/**
 * A `tracestate` within W3C Trace Context's bounds: at most 512 characters, at most 32
 * list-members, printable ASCII only (what a key or value may hold). Past them the spec says
 * to discard the header, never to refuse the request; it is kept in every event's metadata and
 * sent on as a header, so an unbounded one would travel everywhere.
 */
function boundedTracestate(state: string): boolean {
  if (state.length === 0 || state.length > 512 || /[^\x20-\x7e\t]/.test(state)) return false;
  let members = 0;
  for (const member of state.split(',')) if (member.trim() !== '' && ++members > 32) return false;
  return members > 0;
}
