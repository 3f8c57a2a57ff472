/** The binary batches that carry finished spans to the export worker: what goes in comes out. */
import { SpanKind, SpanStatusCode, type SpanContext } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { readSpanBatch, SpanBatchWriter } from '../../src/telemetry/spanBatch.js';

const resource = resourceFromAttributes({ 'service.name': 'test' });
const scope = { name: 'tusk-es' };
const state = (value: string) => ({ serialize: () => value }) as SpanContext['traceState'];

function span(overrides: Partial<ReadableSpan> = {}): ReadableSpan {
  const context = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };
  return {
    name: 'command cart.AddItem',
    kind: SpanKind.INTERNAL,
    spanContext: () => context,
    parentSpanContext: undefined,
    startTime: [1_765_000_000, 123_456_789],
    endTime: [1_765_000_001, 5],
    status: { code: SpanStatusCode.UNSET },
    attributes: {},
    links: [],
    events: [],
    duration: [1, 0],
    ended: true,
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    ...overrides,
  };
}

/** The fields the OTLP exporter reads, comparable with toEqual. */
function view(s: ReadableSpan) {
  const context = s.spanContext();
  return {
    context: { ...context, traceState: context.traceState?.serialize() },
    parent: s.parentSpanContext && { ...s.parentSpanContext, traceState: s.parentSpanContext.traceState?.serialize() },
    name: s.name,
    kind: s.kind,
    startTime: s.startTime,
    endTime: s.endTime,
    status: s.status,
    attributes: s.attributes,
    events: s.events,
    links: s.links.map((l) => ({ ...l, context: { ...l.context, traceState: l.context.traceState?.serialize() } })),
    dropped: [s.droppedAttributesCount, s.droppedEventsCount, s.droppedLinksCount],
  };
}

function roundTrip(spans: ReadableSpan[], writer = new SpanBatchWriter()): ReadableSpan[] {
  for (const s of spans) writer.write(s);
  const { buffer, length, count } = writer.take();
  expect(count).toBe(spans.length);
  return readSpanBatch(buffer, length, resource, scope);
}

describe('span batches', () => {
  it('carry every field the exporter reads: ids, parent, trace state, times, attributes of each type, status, events, links', () => {
    const full = span({
      spanContext: () => ({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1, traceState: state('vendor=opaque') }),
      parentSpanContext: {
        traceId: 'a'.repeat(32),
        spanId: 'c'.repeat(16),
        traceFlags: 1,
        isRemote: true,
        traceState: state('vendor=opaque'),
      },
      kind: SpanKind.SERVER,
      attributes: {
        'http.route': '/aggregates/:type',
        'http.response.status_code': 500,
        ratio: 0.25,
        ok: true,
        no: false,
        tags: ['a', 'b'],
      },
      status: { code: SpanStatusCode.ERROR, message: 'état: ✗ 😀' },
      events: [
        { name: 'validated', time: [1_765_000_000, 200] },
        { name: 'decided', time: [1_765_000_000, 300], attributes: { 'tusk.events': 2 } },
      ],
      links: [{ context: { traceId: 'd'.repeat(32), spanId: 'e'.repeat(16), traceFlags: 1 }, attributes: { why: 'batch' } }],
      droppedAttributesCount: 1,
      droppedEventsCount: 2,
      droppedLinksCount: 3,
    });
    const plain = span();
    const [a, b] = roundTrip([full, plain]);
    // an event without attributes comes back with none (the exporter writes no key for either)
    expect(view(a!)).toEqual({ ...view(full), events: [{ ...full.events[0]!, attributes: {} }, full.events[1]] });
    expect(view(b!)).toEqual(view(plain));
    expect(a!.resource).toBe(resource);
    expect(a!.instrumentationScope).toBe(scope);
  });

  it('grows past its first buffer for a span larger than it, and starts empty after a take', () => {
    const writer = new SpanBatchWriter(64);
    const big = span({ attributes: { 'db.statement': 'x'.repeat(10_000) } });
    const [back] = roundTrip([big, span()], writer);
    expect(back!.attributes['db.statement']).toBe('x'.repeat(10_000));
    expect(writer.count).toBe(0);
    expect(writer.bytes).toBe(0);
    expect(roundTrip([span()], writer).map((s) => s.name)).toEqual(['command cart.AddItem']);
  });
});
