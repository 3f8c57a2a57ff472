/**
 * Spans written as OTLP protobuf on the main thread (otlpSpans.ts) and wrapped by the export
 * worker: byte for byte what the official serializer (@opentelemetry/otlp-transformer's
 * ProtobufTraceSerializer) makes of the same spans.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Link, type SpanContext } from '@opentelemetry/api';
import { hrTime, hrTimeToNanoseconds } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { exportRequest, OtlpSpanWriter } from '../../src/telemetry/otlpSpans.js';
import { clock, KeptTraceState, RecordedSpan } from '../../src/telemetry/recordedSpan.js';
import { countFields } from '../../bench/otlpSink.js';
import { countSpans, decodeTraces } from '../support/otlpProtobuf.js';

const resource = resourceFromAttributes({ 'service.name': 'test', 'service.instance.id': 'é-1' });
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

/** Our bytes for `spans`, written in batches of `perBatch` as the processor and the worker do. */
function ours(spans: ReadableSpan[] | RecordedSpan[], perBatch: number, writer = new OtlpSpanWriter()): Buffer {
  const chunks: Uint8Array[] = [];
  let count = 0;
  for (const [i, s] of spans.entries()) {
    writer.write(s);
    if ((i + 1) % perBatch === 0 || i === spans.length - 1) {
      const batch = writer.take();
      count += batch.count;
      chunks.push(new Uint8Array(batch.buffer, 0, batch.length));
    }
  }
  expect(count).toBe(spans.length);
  return exportRequest(resource.attributes, scope.name, chunks);
}

const official = (spans: ReadableSpan[]) => Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);

describe('OTLP spans written on the main thread', () => {
  it('are the official serializer bytes: ids, parents, trace state, times, attributes of every type, status, events, links, long fields', () => {
    const full = span({
      spanContext: () => ({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1, traceState: state('vendor=opaque') }),
      parentSpanContext: { traceId: 'a'.repeat(32), spanId: 'c'.repeat(16), traceFlags: 1, isRemote: true },
      kind: SpanKind.SERVER,
      attributes: {
        'http.route': '/aggregates/:type',
        'http.response.status_code': 500,
        negative: -3,
        large: 2 ** 40,
        ratio: 0.25,
        ok: true,
        no: false,
        tags: ['a', 'b'],
        counts: [1, 2.5],
        'db.statement': 'x'.repeat(20_000),
        unicode: 'état ✗ 😀'.repeat(30),
      },
      status: { code: SpanStatusCode.ERROR, message: 'état: ✗ 😀' },
      events: [
        { name: 'validated', time: [1_765_000_000, 200] },
        { name: 'decided', time: [1_765_000_000, 999_999_999], attributes: { 'tusk.events': 2 }, droppedAttributesCount: 1 },
      ],
      links: [
        { context: { traceId: 'd'.repeat(32), spanId: 'e'.repeat(16), traceFlags: 1, isRemote: true, traceState: state('k=v') } },
        { context: { traceId: 'f'.repeat(32), spanId: '1'.repeat(16), traceFlags: 0 }, attributes: { why: 'batch' } },
      ],
      droppedAttributesCount: 1,
      droppedEventsCount: 200,
      droppedLinksCount: 3,
    });
    const child = span({
      parentSpanContext: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '1'.repeat(16), traceFlags: 1, isRemote: false },
      kind: SpanKind.CONSUMER,
      startTime: [4_294_967_295, 999_999_999],
      endTime: [0, 0],
    });
    const many = Array.from({ length: 300 }, (_, i) => span({ name: `span ${i}`, attributes: { i } }));
    const spans = [full, span(), child, ...many];
    expect(ours(spans, 7).equals(official(spans))).toBe(true);
    // one batch, and a writer that starts small and grows
    expect(ours(spans, spans.length, new OtlpSpanWriter(64)).equals(official(spans))).toBe(true);
  });

  it('are the same bytes written into memory handed back from earlier batches and exports (old bytes in it)', () => {
    const spans = Array.from({ length: 120 }, (_, i) => span({ name: `span ${i}`, attributes: { i, route: `/r/${i}` } }));
    const writer = new OtlpSpanWriter(64);
    const chunks: Uint8Array[] = [];
    let back: ArrayBuffer | undefined;
    for (const [i, s] of spans.entries()) {
      writer.write(s);
      if ((i + 1) % 25 === 0 || i === spans.length - 1) {
        const batch = writer.take(back);
        // the worker keeps its copy; the memory comes back to be written again
        chunks.push(new Uint8Array(batch.buffer.slice(0, batch.length)));
        back = batch.buffer;
      }
    }
    const dirty = Buffer.alloc(64 * 1024, 0xee).buffer;
    const request = exportRequest(resource.attributes, scope.name, chunks, dirty);
    expect(request.buffer).toBe(dirty);
    expect(request.equals(official(spans))).toBe(true);
    // too small to hold the request: new memory
    expect(exportRequest(resource.attributes, scope.name, chunks, new ArrayBuffer(16)).equals(official(spans))).toBe(true);
  });

  it('are counted by the bench sink without decoding: the spans of every resource and scope, whatever their fields', () => {
    const other = resourceFromAttributes({ 'service.name': 'other' });
    const spans = [
      span({ attributes: { a: 'x', n: 1.5, ok: true }, events: [{ name: 'e', time: [1, 2], attributes: { k: 1 } }] }),
      ...Array.from({ length: 200 }, (_, i) => span({ name: `span ${i}`, resource: i % 3 === 0 ? other : resource })),
      span({ status: { code: SpanStatusCode.ERROR, message: 'failed' } }),
    ];
    const body = official(spans);
    expect(countSpans(body)).toBe(spans.length);
    expect(countFields(body, [1, 2, 2])).toBe(spans.length);
    expect(countFields(ours(spans, 64), [1, 2, 2])).toBe(spans.length);
  });

  it("are the official bytes for the SDK's own spans, and the test receiver reads them back", () => {
    const ended: ReadableSpan[] = [];
    const capture: SpanProcessor = {
      onStart: () => {},
      onEnd: (s) => void ended.push(s),
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
    const tracer = new BasicTracerProvider({ resource, spanProcessors: [capture] }).getTracer('tusk-es');
    const request = tracer.startSpan('POST /aggregates/:type/:id/commands/:command', {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': 'POST' },
    });
    const command = tracer.startSpan(
      'command cart.AddItem',
      { attributes: { 'tusk.command': 'AddItem' } },
      trace.setSpan(ROOT_CONTEXT, request),
    );
    command.addEvent('validated');
    command.addEvent('decided', { 'tusk.events': 1 });
    command.end();
    request.setAttribute('http.response.status_code', 200);
    request.end();
    expect(ended[0]!.resource).toBe(ended[1]!.resource);
    const bytes = exportRequest(ended[0]!.resource.attributes, 'tusk-es', [
      new Uint8Array(
        ((w) => {
          for (const s of ended) w.write(s);
          const b = w.take();
          return b.buffer.slice(0, b.length);
        })(new OtlpSpanWriter()),
      ),
    ]);
    expect(bytes.equals(official(ended))).toBe(true);
    const received = decodeTraces(bytes);
    expect(received.map((r) => r.span.name)).toEqual(['command cart.AddItem', 'POST /aggregates/:type/:id/commands/:command']);
    expect(received[0]!.span.parentSpanId).toBe(request.spanContext().spanId);
    expect(received[0]!.span.events.map((e) => e.name)).toEqual(['validated', 'decided']);
  });

  it('are the official bytes for the spans tusk-es records itself (RecordedSpan), which record nothing once ended or unsampled', () => {
    const ended: RecordedSpan[] = [];
    const sink = (s: RecordedSpan) => void ended.push(s);
    const remote = {
      traceId: 'a'.repeat(32),
      spanId: 'c'.repeat(16),
      traceFlags: 1,
      isRemote: true,
      traceState: new KeptTraceState('k=v'),
    };
    const request = new RecordedSpan(
      remote.traceId,
      'b'.repeat(16),
      1,
      remote.traceState,
      remote,
      'POST',
      SpanKind.SERVER,
      performance.now(),
      undefined,
      undefined,
      sink,
    );
    request.setAttribute('http.request.method', 'POST');
    const shared = { 'tusk.projection': 'orders' };
    const consumer = new RecordedSpan(
      'd'.repeat(32),
      'e'.repeat(16),
      1,
      undefined,
      undefined,
      'projection orders',
      SpanKind.CONSUMER,
      performance.now() - 5,
      shared,
      [{ context: remote }, { context: { traceId: 'f'.repeat(32), spanId: '1'.repeat(16), traceFlags: 0, isRemote: true } }],
      sink,
    );
    consumer.addEvent('validated');
    consumer.addEvent('decided', { 'tusk.events': 2 });
    consumer.setAttribute('tusk.events', 2);
    consumer.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    consumer.end();
    consumer.setAttribute('late', true);
    request.updateName('POST /aggregates/:type');
    request.end();
    request.end();
    const unsampled = new RecordedSpan(
      '2'.repeat(32),
      '3'.repeat(16),
      0,
      undefined,
      undefined,
      'x',
      0,
      performance.now(),
      {},
      [],
      undefined,
    );
    unsampled.addEvent('validated');
    unsampled.end();
    // the caller's attributes are copied before a span adds to them (they may be shared), and late ones are ignored
    expect(shared).toEqual({ 'tusk.projection': 'orders' });
    expect(ended).toEqual([consumer, request]);
    expect(unsampled.events).toEqual([]);
    const readable = ended.map(
      (s): ReadableSpan => ({
        name: s.name,
        kind: s.kind,
        spanContext: () => s.spanContext() as SpanContext,
        parentSpanContext: s.parentSpanContext as SpanContext | undefined,
        startTime: s.startTime,
        endTime: s.endTime,
        status: s.status,
        attributes: s.attributes,
        links: s.links as unknown as Link[],
        events: s.events,
        duration: [0, 0],
        ended: true,
        resource,
        instrumentationScope: scope,
        droppedAttributesCount: 0,
        droppedEventsCount: 0,
        droppedLinksCount: 0,
      }),
    );
    expect(ours(ended, 1).equals(official(readable))).toBe(true);
    const [received, requestSpan] = decodeTraces(ours(ended, 2)).map((r) => r.span);
    expect(received!.attributes).toEqual({ 'tusk.projection': 'orders', 'tusk.events': 2 });
    expect(requestSpan).toMatchObject({ name: 'POST /aggregates/:type', parentSpanId: 'c'.repeat(16) });
  });

  it("takes its times from the clock the SDK's spans use (performance.now() past performance.timeOrigin)", () => {
    for (const t of [0, 0.0005, 999.9999, 1000, 86_400_000.123456, performance.now()])
      expect(Math.abs(hrTimeToNanoseconds(clock(t)) - hrTimeToNanoseconds(hrTime(t)))).toBeLessThanOrEqual(1000);
  });
});
