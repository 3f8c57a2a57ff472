/**
 * Finished spans as OTLP protobuf, written on the main thread the moment each span ends, into
 * one buffer per batch whose memory is transferred to the export worker (exportWorker.ts). The
 * worker only wraps batches in the ExportTraceServiceRequest envelope (`exportRequest`) and
 * sends them: it builds no span objects and encodes nothing again. The SDK's span objects die
 * young on the main thread, and the worker allocates almost nothing per span (bench/README.md,
 * tracing: rebuilding span objects and serializing them in the worker cost ~11 KB of
 * allocation per command, whose collection took CPU from the request thread on 2 cores).
 *
 * The bytes are the official serializer's (`ProtobufTraceSerializer` of
 * @opentelemetry/otlp-transformer), field for field in its order; a unit test compares them.
 * opentelemetry-proto, trace/v1: ScopeSpans.spans = 2; Span: trace_id 1, span_id 2, trace_state
 * 3, parent_span_id 4, name 5, kind 6, start 7, end 8, attributes 9, dropped attributes 10,
 * events 11, dropped events 12, links 13, dropped links 14, status 15, flags 16.
 */
import type { Attributes, AttributeValue, HrTime, SpanKind, SpanStatus } from '@opentelemetry/api';

/** What the writer reads of a span: the part of the SDK's ReadableSpan that OTLP exports (RecordedSpan has it). */
export interface WritableSpan {
  readonly name: string;
  readonly kind: SpanKind;
  spanContext(): { traceId: string; spanId: string; traceFlags: number; traceState?: { serialize(): string } | undefined };
  readonly parentSpanContext?: { spanId: string; isRemote?: boolean } | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
  readonly events: readonly { name: string; time: HrTime; attributes?: Attributes; droppedAttributesCount?: number }[];
  readonly droppedEventsCount: number;
  readonly links: readonly {
    context: { traceId: string; spanId: string; traceFlags: number; isRemote?: boolean; traceState?: { serialize(): string } | undefined };
    attributes?: Attributes;
    droppedAttributesCount?: number;
  }[];
  readonly droppedLinksCount: number;
  readonly status: SpanStatus;
}

const VARINT = 0;
const FIXED64 = 1;
const BYTES = 2;
const FIXED32 = 5;
// SpanFlags: the context's trace flags, and whether its parent is remote (known, then its value).
const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;
const MIN_INT64 = -(2 ** 63);
const MAX_INT64 = 2 ** 63;

/** A growable protobuf writer over a Buffer: nested messages reserve one length byte and shift when longer. */
export class ProtoWriter {
  buf: Buffer;
  pos = 0;

  constructor(initialBytes: number) {
    this.buf = Buffer.allocUnsafeSlow(initialBytes);
  }

  room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(2 * this.buf.length, this.pos + bytes));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  tag(field: number, wire: number): void {
    const v = (field << 3) | wire;
    if (v >= 0x80) return this.varint(v);
    this.room(1);
    this.buf[this.pos++] = v;
  }

  varint(value: number): void {
    this.room(10);
    if (value >= 0 && value <= 0xffffffff) {
      let v = value >>> 0;
      while (v > 0x7f) {
        this.buf[this.pos++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      this.buf[this.pos++] = v;
      return;
    }
    // int64 beyond 32 bits, negative ones as two's complement (10 bytes)
    let n = BigInt.asUintN(64, BigInt(value));
    while (n > 0x7fn) {
      this.buf[this.pos++] = Number(n & 0x7fn) | 0x80;
      n >>= 7n;
    }
    this.buf[this.pos++] = Number(n);
  }

  fixed32(value: number): void {
    this.room(4);
    this.u32(value >>> 0);
  }

  /** Four little-endian bytes, in JavaScript: a call into Buffer's C++ costs more than the bytes. */
  private u32(v: number): void {
    const buf = this.buf;
    buf[this.pos++] = v & 0xff;
    buf[this.pos++] = (v >>> 8) & 0xff;
    buf[this.pos++] = (v >>> 16) & 0xff;
    buf[this.pos++] = v >>> 24;
  }

  double(value: number): void {
    this.room(8);
    this.pos = this.buf.writeDoubleLE(value, this.pos);
  }

  /** An HrTime as fixed64 nanoseconds, in exact 32-bit halves (seconds × 1e9 exceeds 2^53). */
  time(t: HrTime): void {
    const seconds = t[0];
    const low16 = (seconds & 0xffff) * 1e9;
    const high = Math.floor(seconds / 0x10000) * 1e9;
    const lowPart = low16 % 0x100000000;
    const sum = lowPart + (high % 0x10000) * 0x10000 + t[1];
    const low32 = sum % 0x100000000;
    const high32 = Math.floor(low16 / 0x100000000) + Math.floor(high / 0x10000) + Math.floor(sum / 0x100000000);
    this.room(8);
    this.u32(low32);
    this.u32(high32 >>> 0);
  }

  string(value: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit: a short string's length fits one byte
    if (value.length < 43) {
      this.room(1 + 3 * value.length);
      // ASCII (names, keys, ids) byte by byte in JavaScript; anything else through Buffer
      const buf = this.buf;
      const start = this.pos + 1;
      let i = 0;
      for (; i < value.length; i++) {
        const c = value.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i] = c;
      }
      const length = i === value.length ? i : buf.write(value, start);
      buf[this.pos] = length;
      this.pos = start + length;
      return;
    }
    const length = Buffer.byteLength(value);
    this.varint(length);
    this.room(length);
    this.pos += this.buf.write(value, this.pos);
  }

  /** A hex id (trace or span id) as its bytes. */
  hexBytes(hex: string): void {
    const bytes = hex.length >>> 1;
    this.room(1 + bytes);
    const buf = this.buf;
    buf[this.pos++] = bytes;
    for (let i = 0; i < bytes; i++) buf[this.pos++] = (nibble(hex.charCodeAt(2 * i)) << 4) | nibble(hex.charCodeAt(2 * i + 1));
  }

  bytes(value: Uint8Array): void {
    this.varint(value.length);
    this.room(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** Starts a length-delimited field: returns where its length goes (see end). */
  begin(field: number): number {
    this.tag(field, BYTES);
    this.room(1);
    return this.pos++;
  }

  /** Ends the length-delimited field begun at `at`, moving its bytes when the length needs more than one byte. */
  end(at: number): void {
    const length = this.pos - at - 1;
    if (length < 0x80) {
      this.buf[at] = length;
      return;
    }
    let size = 1;
    for (let v = length; v >= 0x80; v = Math.floor(v / 128)) size++;
    this.room(size - 1);
    this.buf.copy(this.buf, at + size, at + 1, this.pos);
    this.pos += size - 1;
    let v = length;
    for (let i = at; v >= 0x80; i++, v = Math.floor(v / 128)) this.buf[i] = (v & 0x7f) | 0x80;
    this.buf[at + size - 1] = v;
  }

  attributes(field: number, attributes: Attributes | undefined): void {
    if (attributes === undefined) return;
    for (const key in attributes) {
      if (!Object.prototype.hasOwnProperty.call(attributes, key)) continue;
      const kv = this.begin(field);
      this.tag(1, BYTES);
      this.string(key);
      const value = this.begin(2);
      this.anyValue(attributes[key]);
      this.end(value);
      this.end(kv);
    }
  }

  private anyValue(value: AttributeValue | undefined): void {
    if (typeof value === 'string') {
      this.tag(1, BYTES);
      this.string(value);
    } else if (typeof value === 'boolean') {
      this.tag(2, VARINT);
      this.varint(value ? 1 : 0);
    } else if (typeof value === 'number') {
      if (Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64) {
        this.tag(3, VARINT);
        this.varint(value);
      } else {
        this.tag(4, FIXED64);
        this.double(value);
      }
    } else if (Array.isArray(value)) {
      const array = this.begin(5);
      for (const item of value) {
        const at = this.begin(1);
        this.anyValue(item ?? undefined);
        this.end(at);
      }
      this.end(array);
    }
  }
}

/** Writes finished spans as the `spans` of one ScopeSpans, into a buffer that `take` hands over whole. */
export class OtlpSpanWriter {
  private w: ProtoWriter;
  /** Spans written since the last take. */
  count = 0;

  constructor(private readonly initialBytes = 256 * 1024) {
    this.w = new ProtoWriter(initialBytes);
  }

  /** Bytes written since the last take. */
  get bytes(): number {
    return this.w.pos;
  }

  /** Appends `span` (ScopeSpans field 2, a Span message). */
  write(span: WritableSpan): void {
    const w = this.w;
    const context = span.spanContext();
    const parent = span.parentSpanContext;
    const at = w.begin(2);
    w.tag(1, BYTES);
    w.hexBytes(context.traceId);
    w.tag(2, BYTES);
    w.hexBytes(context.spanId);
    const state = context.traceState?.serialize();
    if (state) {
      w.tag(3, BYTES);
      w.string(state);
    }
    if (parent?.spanId) {
      w.tag(4, BYTES);
      w.hexBytes(parent.spanId);
    }
    w.tag(5, BYTES);
    w.string(span.name);
    // OTLP's kinds start at 1 (0 is unspecified)
    w.tag(6, VARINT);
    w.varint(span.kind + 1);
    w.tag(7, FIXED64);
    w.time(span.startTime);
    w.tag(8, FIXED64);
    w.time(span.endTime);
    w.attributes(9, span.attributes);
    w.tag(10, VARINT);
    w.varint(span.droppedAttributesCount);
    for (const event of span.events) {
      const e = w.begin(11);
      w.tag(1, FIXED64);
      w.time(event.time);
      w.tag(2, BYTES);
      w.string(event.name);
      w.attributes(3, event.attributes);
      w.tag(4, VARINT);
      w.varint(event.droppedAttributesCount ?? 0);
      w.end(e);
    }
    w.tag(12, VARINT);
    w.varint(span.droppedEventsCount);
    for (const link of span.links) {
      const l = w.begin(13);
      w.tag(1, BYTES);
      w.hexBytes(link.context.traceId);
      w.tag(2, BYTES);
      w.hexBytes(link.context.spanId);
      const linkState = link.context.traceState?.serialize();
      if (linkState) {
        w.tag(3, BYTES);
        w.string(linkState);
      }
      w.attributes(4, link.attributes);
      w.tag(5, VARINT);
      w.varint(link.droppedAttributesCount ?? 0);
      w.tag(6, FIXED32);
      w.fixed32(flags(link.context.traceFlags, link.context.isRemote));
      w.end(l);
    }
    w.tag(14, VARINT);
    w.varint(span.droppedLinksCount);
    const status = w.begin(15);
    if (span.status.message) {
      w.tag(2, BYTES);
      w.string(span.status.message);
    }
    w.tag(3, VARINT);
    w.varint(span.status.code);
    w.end(status);
    w.tag(16, FIXED32);
    w.fixed32(flags(context.traceFlags, parent?.isRemote));
    w.end(at);
    this.count++;
  }

  /** The batch written so far (its buffer is the caller's, to transfer); the writer starts anew. */
  take(): { buffer: ArrayBuffer; length: number; count: number } {
    const batch = { buffer: this.w.buf.buffer as ArrayBuffer, length: this.w.pos, count: this.count };
    this.w = new ProtoWriter(this.initialBytes);
    this.count = 0;
    return batch;
  }
}

/** The value of a hex digit (ids are lowercase hex; anything else counts as 0, as Buffer's 'hex' would stop). */
function nibble(c: number): number {
  return c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : 0;
}

function flags(traceFlags: number, isRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | HAS_IS_REMOTE | (isRemote === true ? IS_REMOTE : 0);
}

/**
 * An ExportTraceServiceRequest of one resource and one scope around `spans` (batches written
 * by OtlpSpanWriter): resource_spans 1 { resource 1 { attributes 1, dropped 2 }, scope_spans 2 {
 * scope 1 { name 1 }, spans } }. Only the head is written here; the spans are copied as they are.
 */
export function exportRequest(resource: Attributes, scopeName: string, spans: readonly Uint8Array[]): Buffer {
  const fields = new ProtoWriter(1024);
  const res = fields.begin(1);
  fields.attributes(1, resource);
  fields.tag(2, VARINT);
  fields.varint(0);
  fields.end(res);
  const resourceEnd = fields.pos;
  const scope = fields.begin(1);
  fields.tag(1, BYTES);
  fields.string(scopeName);
  fields.end(scope);
  const scopeSpansLength = fields.pos - resourceEnd + spans.reduce((n, s) => n + s.length, 0);
  const resourceSpansLength = resourceEnd + 1 + varintSize(scopeSpansLength) + scopeSpansLength;
  const out = new ProtoWriter(1 + varintSize(resourceSpansLength) + resourceSpansLength);
  out.tag(1, BYTES);
  out.varint(resourceSpansLength);
  out.pos += fields.buf.copy(out.buf, out.pos, 0, resourceEnd);
  out.tag(2, BYTES);
  out.varint(scopeSpansLength);
  out.pos += fields.buf.copy(out.buf, out.pos, resourceEnd, fields.pos);
  for (const chunk of spans) {
    out.buf.set(chunk, out.pos);
    out.pos += chunk.length;
  }
  return out.buf.subarray(0, out.pos);
}

function varintSize(value: number): number {
  let size = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 128)) size++;
  return size;
}
