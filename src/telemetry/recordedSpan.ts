/**
 * A span as tusk-es records it (tracing on): a small object holding what OTLP exports, written
 * in OTLP protobuf when it ends (otlpSpans.ts) and dropped. It replaces the SDK's tracer and
 * span objects (`@opentelemetry/sdk-trace-base`): those made every span carry contexts, limits,
 * a sanitized copy of its attributes and a resource, and made a traced command cost more CPU
 * and garbage than the spans it exports (bench/README.md, tracing). What it records, and the
 * bytes, are the SDK's: otlpSpans.unit.test.ts compares them with the official serializer's.
 */
import { SpanKind, SpanStatusCode, type HrTime, type SpanStatus } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import type { SpanAttributes, SpanScope } from './tracing.js';
import type { WritableSpan } from './otlpSpans.js';

/** Where an ended, sampled span goes. */
export type SpanSink = (span: RecordedSpan) => void;

const UNSET: SpanStatus = { code: SpanStatusCode.UNSET };
/** A span event: a moment of the span. */
interface SpanEvent {
  name: string;
  time: HrTime;
  attributes?: SpanAttributes;
}

const NO_EVENTS: SpanEvent[] = [];
const NO_LINKS: SpanLink[] = [];
const ORIGIN = hrTime(0);

/** `now` (a performance.now() reading) as an HrTime since the epoch, as the SDK's spans take their times. */
export function clock(now: number = performance.now()): HrTime {
  const ms = Math.trunc(now);
  let seconds = ORIGIN[0] + Math.trunc(ms / 1000);
  let nanos = ORIGIN[1] + (ms % 1000) * 1e6 + Math.round((now - ms) * 1e6);
  if (nanos >= 1e9) {
    seconds += 1;
    nanos -= 1e9;
  }
  return [seconds, nanos];
}

/** A trace state kept as the string it came as (it is only ever written and forwarded). */
export class KeptTraceState {
  constructor(private readonly value: string) {}
  serialize(): string {
    return this.value;
  }
}

/** The ids of a span, and whether it is sampled (recorded and exported). */
export interface SpanIds {
  traceId: string;
  spanId: string;
  traceFlags: number;
  traceState?: KeptTraceState | undefined;
}

/** A parent's ids as its children record them. */
export interface ParentIds {
  traceId: string;
  spanId: string;
  traceFlags: number;
  isRemote?: boolean;
  traceState?: KeptTraceState | undefined;
}

/** A link to another trace's span (a batch span links the commands it handles). */
export interface SpanLink {
  context: ParentIds;
}

/** One span: a parent for its children, a SpanScope for the code it times. */
export class RecordedSpan implements SpanScope, WritableSpan {
  attributes: SpanAttributes;
  events: SpanEvent[] = NO_EVENTS;
  status: SpanStatus = UNSET;
  endTime: HrTime = ORIGIN;
  readonly droppedAttributesCount = 0;
  readonly droppedEventsCount = 0;
  readonly droppedLinksCount = 0;
  private ended = false;
  /** Whether `attributes` is this span's own object (callers may share theirs between spans). */
  private ownAttributes = false;

  constructor(
    private readonly context: SpanIds,
    readonly parentSpanContext: ParentIds | undefined,
    public name: string,
    readonly kind: SpanKind,
    readonly startTime: HrTime,
    attributes: SpanAttributes | undefined,
    readonly links: SpanLink[] = NO_LINKS,
    private readonly sink: SpanSink | undefined,
  ) {
    this.attributes = attributes ?? {};
    this.ownAttributes = attributes === undefined;
  }

  get traceId(): string {
    return this.context.traceId;
  }

  get spanId(): string {
    return this.context.spanId;
  }

  spanContext(): SpanIds {
    return this.context;
  }

  /** Whether the span is recorded (its trace sampled): an unsampled one only carries ids. */
  get recording(): boolean {
    return this.sink !== undefined && !this.ended;
  }

  setAttribute(key: string, value: string | number | boolean): void {
    if (!this.recording) return;
    if (!this.ownAttributes) {
      this.attributes = { ...this.attributes };
      this.ownAttributes = true;
    }
    this.attributes[key] = value;
  }

  addEvent(name: string, attributes?: SpanAttributes): void {
    if (!this.recording) return;
    if (this.events === NO_EVENTS) this.events = [];
    this.events.push(attributes === undefined ? { name, time: clock() } : { name, time: clock(), attributes });
  }

  updateName(name: string): void {
    if (this.recording) this.name = name;
  }

  setStatus(status: SpanStatus): void {
    if (this.recording) this.status = status;
  }

  /** Ends the span (once) at `now` and hands it to the sink when it is sampled. */
  end(now?: number): void {
    if (!this.recording) return;
    this.ended = true;
    this.endTime = clock(now);
    this.sink!(this);
  }
}
