/**
 * Finished spans on their way to the export worker (exportWorker.ts), as one binary buffer per
 * batch whose memory is transferred to the worker, not copied. The main thread writes each span
 * into the buffer the moment it ends and keeps no object of it: a structured clone of span
 * objects (or of arrays describing them) cost the main thread more than recording the spans did,
 * and objects held until the next post outlived young-generation collections (bench/README.md,
 * tracing). The worker reads the buffer back into the span objects the OTLP exporter encodes.
 *
 * Layout, little-endian: a string is its UTF-8 byte length (u32; 0xffffffff: none) and its bytes;
 * times are two f64 (seconds, nanoseconds); attributes are a u32 count of key (string), type (u8)
 * and value. One span: trace id, span id, flags (u8), trace state, parent span id, parent is
 * remote (u8), name, kind (u8), start, end, attributes, status code (u8), status message, events
 * (u32 count of name, time, attributes), links (u32 count of trace id, span id, trace state,
 * attributes), dropped attributes, events and links (u32 each).
 */
import type { Attributes, AttributeValue, HrTime, Link, SpanContext } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';

const NONE = 0xffffffff;
/** Attribute value types. Arrays (rare, never ours) travel as JSON. */
const STRING = 0;
const NUMBER = 1;
const TRUE = 2;
const FALSE = 3;
const JSON_VALUE = 4;
const NO_DURATION: HrTime = [0, 0];

/** Writes finished spans into a buffer that `take` hands over whole. */
export class SpanBatchWriter {
  private buf: Buffer;
  private pos = 0;
  /** Spans written since the last take. */
  count = 0;

  constructor(private readonly initialBytes = 256 * 1024) {
    this.buf = Buffer.allocUnsafeSlow(initialBytes);
  }

  /** Bytes written since the last take. */
  get bytes(): number {
    return this.pos;
  }

  /** Appends `span` to the batch. */
  write(span: ReadableSpan): void {
    const context = span.spanContext();
    const parent = span.parentSpanContext;
    this.string(context.traceId);
    this.string(context.spanId);
    this.u8(context.traceFlags);
    this.string(context.traceState?.serialize());
    this.string(parent?.spanId);
    this.u8(parent?.isRemote === true ? 1 : 0);
    this.string(span.name);
    this.u8(span.kind);
    this.time(span.startTime);
    this.time(span.endTime);
    this.attributes(span.attributes);
    this.u8(span.status.code);
    this.string(span.status.message);
    this.u32(span.events.length);
    for (const e of span.events) {
      this.string(e.name);
      this.time(e.time);
      this.attributes(e.attributes);
    }
    this.u32(span.links.length);
    for (const l of span.links) {
      this.string(l.context.traceId);
      this.string(l.context.spanId);
      this.string(l.context.traceState?.serialize());
      this.attributes(l.attributes);
    }
    this.u32(span.droppedAttributesCount);
    this.u32(span.droppedEventsCount);
    this.u32(span.droppedLinksCount);
    this.count++;
  }

  /** The batch written so far (its buffer is the caller's, to transfer); the writer starts anew. */
  take(): { buffer: ArrayBuffer; length: number; count: number } {
    const batch = { buffer: this.buf.buffer as ArrayBuffer, length: this.pos, count: this.count };
    this.buf = Buffer.allocUnsafeSlow(this.initialBytes);
    this.pos = 0;
    this.count = 0;
    return batch;
  }

  private room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(2 * this.buf.length, this.pos + bytes));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  private u8(value: number): void {
    this.room(1);
    this.buf[this.pos++] = value;
  }

  private u32(value: number): void {
    this.room(4);
    this.buf.writeUInt32LE(value, this.pos);
    this.pos += 4;
  }

  private f64(value: number): void {
    this.room(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  private time(t: HrTime): void {
    this.f64(t[0]);
    this.f64(t[1]);
  }

  private string(value: string | undefined): void {
    if (value === undefined) return this.u32(NONE);
    // UTF-8 takes at most 3 bytes per UTF-16 unit
    this.room(4 + 3 * value.length);
    const length = this.buf.write(value, this.pos + 4);
    this.buf.writeUInt32LE(length, this.pos);
    this.pos += 4 + length;
  }

  private attributes(attributes: Attributes | undefined): void {
    if (attributes === undefined) return this.u32(0);
    const keys = Object.keys(attributes);
    this.u32(keys.length);
    for (const key of keys) {
      this.string(key);
      this.value(attributes[key]);
    }
  }

  private value(value: AttributeValue | undefined): void {
    if (typeof value === 'string') {
      this.u8(STRING);
      this.string(value);
    } else if (typeof value === 'number') {
      this.u8(NUMBER);
      this.f64(value);
    } else if (typeof value === 'boolean') {
      this.u8(value ? TRUE : FALSE);
    } else {
      this.u8(JSON_VALUE);
      this.string(JSON.stringify(value ?? null));
    }
  }
}

/** The spans of a batch, as the OTLP exporter reads them. */
export function readSpanBatch(
  buffer: ArrayBuffer,
  length: number,
  resource: Resource,
  scope: ReadableSpan['instrumentationScope'],
): ReadableSpan[] {
  return new SpanBatchReader(Buffer.from(buffer, 0, length)).spans(resource, scope);
}

// The serializer only calls serialize() on a trace state.
const traceStateOf = (value: string | undefined) =>
  value === undefined ? undefined : ({ serialize: () => value } as SpanContext['traceState']);

class SpanBatchReader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  spans(resource: Resource, scope: ReadableSpan['instrumentationScope']): ReadableSpan[] {
    const out: ReadableSpan[] = [];
    while (this.pos < this.buf.length) out.push(this.span(resource, scope));
    return out;
  }

  private span(resource: Resource, scope: ReadableSpan['instrumentationScope']): ReadableSpan {
    const traceId = this.string()!;
    const spanId = this.string()!;
    const traceFlags = this.u8();
    const traceState = traceStateOf(this.string());
    const context: SpanContext = { traceId, spanId, traceFlags, traceState };
    const parentSpanId = this.string();
    const isRemote = this.u8() === 1;
    const name = this.string()!;
    const kind = this.u8();
    const startTime = this.time();
    const endTime = this.time();
    const attributes = this.attributes();
    const code = this.u8();
    const message = this.string();
    const events: TimedEvent[] = [];
    for (let n = this.u32(); n > 0; n--) events.push({ name: this.string()!, time: this.time(), attributes: this.attributes() });
    const links: Link[] = [];
    for (let n = this.u32(); n > 0; n--) {
      const linked = { traceId: this.string()!, spanId: this.string()!, traceFlags: 1, traceState: traceStateOf(this.string()) };
      links.push({ context: linked, attributes: this.attributes() });
    }
    const droppedAttributesCount = this.u32();
    const droppedEventsCount = this.u32();
    const droppedLinksCount = this.u32();
    return {
      name,
      kind,
      spanContext: () => context,
      parentSpanContext: parentSpanId === undefined ? undefined : { traceId, spanId: parentSpanId, traceFlags, isRemote, traceState },
      startTime,
      endTime,
      status: message === undefined ? { code } : { code, message },
      attributes,
      links,
      events,
      duration: NO_DURATION,
      ended: true,
      resource,
      instrumentationScope: scope,
      droppedAttributesCount,
      droppedEventsCount,
      droppedLinksCount,
    };
  }

  private u8(): number {
    return this.buf[this.pos++]!;
  }

  private u32(): number {
    const value = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return value;
  }

  private f64(): number {
    const value = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  private time(): HrTime {
    return [this.f64(), this.f64()];
  }

  private string(): string | undefined {
    const length = this.u32();
    if (length === NONE) return undefined;
    const value = this.buf.toString('utf8', this.pos, this.pos + length);
    this.pos += length;
    return value;
  }

  private attributes(): Attributes {
    const attributes: Attributes = {};
    for (let n = this.u32(); n > 0; n--) {
      const key = this.string()!;
      const type = this.u8();
      attributes[key] =
        type === STRING
          ? this.string()!
          : type === NUMBER
            ? this.f64()
            : type === JSON_VALUE
              ? (JSON.parse(this.string()!) as AttributeValue)
              : type === TRUE;
    }
    return attributes;
  }
}
