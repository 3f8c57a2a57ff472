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
import { CLOCK, readClock } from './recordedSpan.js';

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
  /**
   * A RecordedSpan's own form of its times (`performance.now()` readings) and events (flat:
   * name, time, attributes), read instead of startTime, endTime and events when present: no
   * HrTime or event object is made to write them.
   */
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly moments?: readonly (string | number | Attributes | undefined)[] | undefined;
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

  /** A writer over `initialBytes` new bytes, or over the memory of `reuse` (a buffer handed back after its export). */
  constructor(initialBytes: number, reuse?: ArrayBuffer) {
    this.buf = reuse === undefined ? Buffer.allocUnsafeSlow(initialBytes) : Buffer.from(reuse);
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

  /** An HrTime as fixed64 nanoseconds. */
  time(t: HrTime): void {
    this.timeParts(t[0], t[1]);
  }

  /** A `performance.now()` reading as fixed64 nanoseconds since the epoch (what `clock` makes of it). */
  timeAt(now: number): void {
    readClock(now);
    this.timeParts(CLOCK.seconds, CLOCK.nanos);
  }

  // seconds × 1e9 of the last second written, in 32-bit halves: spans end within the same second
  private second = -1;
  private secondLow = 0;
  private secondHigh = 0;

  /** seconds × 1e9 + nanos (nanos < 1e9) as fixed64, in exact 32-bit halves (seconds × 1e9 exceeds 2^53). */
  private timeParts(seconds: number, nanos: number): void {
    if (seconds !== this.second) {
      const low16 = (seconds & 0xffff) * 1e9;
      const high = Math.floor(seconds / 0x10000) * 1e9;
      const sum = (low16 % 0x100000000) + (high % 0x10000) * 0x10000;
      this.secondLow = sum % 0x100000000;
      this.secondHigh = Math.floor(low16 / 0x100000000) + Math.floor(high / 0x10000) + Math.floor(sum / 0x100000000);
      this.second = seconds;
    }
    let low = this.secondLow + nanos;
    let high = this.secondHigh;
    if (low >= 0x100000000) {
      low -= 0x100000000;
      high += 1;
    }
    this.room(8);
    this.u32(low);
    this.u32(high >>> 0);
  }

  string(value: string): void {
    // ASCII (names, keys, ids, routes) byte by byte in JavaScript, its length in one byte;
    // anything else, or longer, through Buffer
    const n = value.length;
    if (n < 0x80) {
      this.room(1 + n);
      const buf = this.buf;
      const start = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = value.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i] = c;
      }
      if (i === n) {
        buf[this.pos] = n;
        this.pos = start + n;
        return;
      }
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
    let pos = this.pos;
    for (let i = 0; i < 2 * bytes; i += 2) buf[pos++] = (HEX[hex.charCodeAt(i) & 0x7f]! << 4) | HEX[hex.charCodeAt(i + 1) & 0x7f]!;
    this.pos = pos;
  }

  /** Field `field` (bytes) holding the hex id's bytes: its tag, length and bytes in one call (ids are most of a span's fields). */
  id(field: number, hex: string): void {
    this.room(1);
    this.buf[this.pos++] = (field << 3) | BYTES;
    this.hexBytes(hex);
  }

  bytes(value: Uint8Array): void {
    this.varint(value.length);
    this.room(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /**
   * Starts a length-delimited field, `reserve` bytes kept for its length (2 where it is most
   * likely 128-16,383 bytes, a span): returns where its length goes (see end).
   */
  begin(field: number, reserve: 1 | 2 = 1): number {
    this.tag(field, BYTES);
    this.room(reserve);
    const at = this.pos;
    this.pos += reserve;
    this.buf[at] = reserve;
    return at;
  }

  /** Ends the length-delimited field begun at `at`, moving its bytes when its length takes more or fewer bytes than kept. */
  end(at: number): void {
    const reserved = this.buf[at]!;
    const length = this.pos - at - reserved;
    let size = 1;
    for (let v = length; v >= 0x80; v = Math.floor(v / 128)) size++;
    if (size !== reserved) {
      this.room(size - reserved);
      this.buf.copy(this.buf, at + size, at + reserved, this.pos);
      this.pos += size - reserved;
    }
    let v = length;
    for (let i = at; v >= 0x80; i++, v = Math.floor(v / 128)) this.buf[i] = (v & 0x7f) | 0x80;
    this.buf[at + size - 1] = v;
  }

  attributes(field: number, attributes: Attributes | undefined): void {
    if (attributes === undefined) return;
    for (const key in attributes) {
      if (!Object.prototype.hasOwnProperty.call(attributes, key)) continue;
      const value = attributes[key];
      // most attributes are a short ASCII key with a short ASCII string or a small integer (fields
      // below 16: a one-byte tag)
      if (
        field < 16 &&
        (typeof value === 'string' ? this.shortString(field, key, value) : typeof value === 'number' && this.smallInt(field, key, value))
      )
        continue;
      const kv = this.begin(field);
      this.tag(1, BYTES);
      this.string(key);
      const at = this.begin(2);
      this.anyValue(value);
      this.end(at);
      this.end(kv);
    }
  }

  /**
   * A KeyValue of a string, when key and value are ASCII and short enough for every length to
   * take one byte (known before writing: no length reserved and moved), else false and nothing
   * written. KeyValue { key 1, value 2: AnyValue { string_value 1 } }.
   */
  private shortString(field: number, key: string, value: string): boolean {
    const k = key.length;
    const v = value.length;
    if (k + v > 121) return false;
    this.room(8 + k + v);
    const buf = this.buf;
    const start = this.pos;
    let pos = this.kvHead(field, key, 6 + k + v);
    if (pos < 0) return false;
    buf[pos++] = (2 << 3) | BYTES;
    buf[pos++] = 2 + v;
    buf[pos++] = (1 << 3) | BYTES;
    buf[pos++] = v;
    for (let i = 0; i < v; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x80) {
        this.pos = start;
        return false;
      }
      buf[pos++] = c;
    }
    this.pos = pos;
    return true;
  }

  /** A KeyValue of an integer 0 … 2^31 − 1 with a short ASCII key, else false and nothing written (AnyValue { int_value 3 }). */
  private smallInt(field: number, key: string, value: number): boolean {
    const k = key.length;
    if (k > 110 || !(value >= 0 && value <= 0x7fffffff) || !Number.isInteger(value)) return false;
    let size = 1;
    for (let x = value; x > 0x7f; x >>>= 7) size++;
    this.room(8 + k + size);
    let pos = this.kvHead(field, key, 5 + k + size);
    if (pos < 0) return false;
    const buf = this.buf;
    buf[pos++] = (2 << 3) | BYTES;
    buf[pos++] = 1 + size;
    buf[pos++] = (3 << 3) | VARINT;
    let x = value;
    while (x > 0x7f) {
      buf[pos++] = (x & 0x7f) | 0x80;
      x >>>= 7;
    }
    buf[pos++] = x;
    this.pos = pos;
    return true;
  }

  /** The KeyValue's tag, its length (< 128) and its key (ASCII): where its value goes, or −1 (nothing kept) for a non-ASCII key. */
  private kvHead(field: number, key: string, length: number): number {
    const buf = this.buf;
    let pos = this.pos;
    buf[pos++] = (field << 3) | BYTES;
    buf[pos++] = length;
    buf[pos++] = (1 << 3) | BYTES;
    buf[pos++] = key.length;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      if (c >= 0x80) return -1;
      buf[pos++] = c;
    }
    return pos;
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
    const at = w.begin(2, 2);
    w.id(1, context.traceId);
    w.id(2, context.spanId);
    const state = context.traceState?.serialize();
    if (state) {
      w.tag(3, BYTES);
      w.string(state);
    }
    if (parent?.spanId) w.id(4, parent.spanId);
    w.tag(5, BYTES);
    w.string(span.name);
    // OTLP's kinds start at 1 (0 is unspecified)
    w.tag(6, VARINT);
    w.varint(span.kind + 1);
    w.tag(7, FIXED64);
    if (span.startedAt !== undefined) w.timeAt(span.startedAt);
    else w.time(span.startTime);
    w.tag(8, FIXED64);
    if (span.endedAt !== undefined) w.timeAt(span.endedAt);
    else w.time(span.endTime);
    w.attributes(9, span.attributes);
    w.tag(10, VARINT);
    w.varint(span.droppedAttributesCount);
    const moments = span.moments;
    if (moments !== undefined) {
      for (let i = 0; i < moments.length; i += 3) {
        const e = w.begin(11);
        w.tag(1, FIXED64);
        w.timeAt(moments[i + 1] as number);
        w.tag(2, BYTES);
        w.string(moments[i] as string);
        w.attributes(3, moments[i + 2] as Attributes | undefined);
        w.tag(4, VARINT);
        w.varint(0);
        w.end(e);
      }
    } else
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

  /**
   * The batch written so far (its buffer is the caller's, to transfer); the writer starts anew,
   * in `reuse` when given (a batch's memory back from its export: new memory is zeroed page by
   * page by the kernel as it is first written, which cost more than writing the spans into it).
   */
  take(reuse?: ArrayBuffer): { buffer: ArrayBuffer; length: number; count: number } {
    const batch = { buffer: this.w.buf.buffer as ArrayBuffer, length: this.w.pos, count: this.count };
    this.w = new ProtoWriter(this.initialBytes, reuse);
    this.count = 0;
    return batch;
  }
}

/** The value of each hex digit by its char code (ids are lowercase hex; anything else counts as 0). */
const HEX = new Uint8Array(128);
for (let c = 0; c < 128; c++)
  HEX[c] = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : 0;

function flags(traceFlags: number, isRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | HAS_IS_REMOTE | (isRemote === true ? IS_REMOTE : 0);
}

/**
 * An ExportTraceServiceRequest of one resource and one scope around `spans` (batches written
 * by OtlpSpanWriter): resource_spans 1 { resource 1 { attributes 1, dropped 2 }, scope_spans 2 {
 * scope 1 { name 1 }, spans } }. Only the head is written here; the spans are copied as they are,
 * into `reuse` when it is large enough (the memory of the worker's previous export).
 */
export function exportRequest(resource: Attributes, scopeName: string, spans: readonly Uint8Array[], reuse?: ArrayBuffer): Buffer {
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
  const size = 1 + varintSize(resourceSpansLength) + resourceSpansLength;
  const out = new ProtoWriter(size, reuse !== undefined && reuse.byteLength >= size ? reuse : undefined);
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
