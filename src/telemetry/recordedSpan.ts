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
/** An entry of a span's flat events: a name, a time or attributes. */
type Moment = string | number | SpanAttributes | undefined;
const NO_LINKS: SpanLink[] = [];
const ORIGIN = hrTime(0);

/** The seconds and nanoseconds since the epoch that `readClock` left (no array per reading). */
export const CLOCK = { seconds: 0, nanos: 0 };

/** `now` (a performance.now() reading) since the epoch, into CLOCK, as the SDK's spans take their times. */
export function readClock(now: number): void {
  const ms = Math.trunc(now);
  let seconds = ORIGIN[0] + Math.trunc(ms / 1000);
  let nanos = ORIGIN[1] + (ms % 1000) * 1e6 + Math.round((now - ms) * 1e6);
  if (nanos >= 1e9) {
    seconds += 1;
    nanos -= 1e9;
  }
  CLOCK.seconds = seconds;
  CLOCK.nanos = nanos;
}

/** `now` (a performance.now() reading) as an HrTime since the epoch, as the SDK's spans take their times. */
export function clock(now: number = performance.now()): HrTime {
  readClock(now);
  return [CLOCK.seconds, CLOCK.nanos];
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
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
  readonly traceState?: KeptTraceState | undefined;
}

/** A parent's ids as its children record them (a RecordedSpan is its children's). */
export interface ParentIds {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
  readonly isRemote?: boolean;
  readonly traceState?: KeptTraceState | undefined;
}

/** A link to another trace's span (a batch span links the commands it handles). */
export interface SpanLink {
  context: ParentIds;
}

/**
 * One span: a parent for its children, a SpanScope for the code it times. Its ids are its own
 * fields (it is its own span context) and its times are `performance.now()` readings until it
 * is written: a span lives across the awaits of the work it times, and every object it holds
 * then is copied by each young-generation collection on the way (a traced command's extra CPU
 * in the server was mostly that, not the span calls: bench/README.md, tracing). The HrTimes and
 * event objects the writer reads are made when it is written.
 */
export class RecordedSpan implements SpanScope, SpanIds, WritableSpan {
  attributes: SpanAttributes;
  status: SpanStatus = UNSET;
  readonly droppedAttributesCount = 0;
  readonly droppedEventsCount = 0;
  readonly droppedLinksCount = 0;
  private ended = false;
  /** Whether `attributes` is this span's own object (callers may share theirs between spans). */
  private ownAttributes = false;
  /** When it ended, a `performance.now()` reading (the writer reads it, not endTime). */
  endedAt = 0;
  /** The span's events, flat: name, time (a performance.now() reading), attributes, for each (the writer reads them, not events). */
  moments: Moment[] | undefined;

  constructor(
    readonly traceId: string,
    readonly spanId: string,
    readonly traceFlags: number,
    readonly traceState: KeptTraceState | undefined,
    readonly parentSpanContext: ParentIds | undefined,
    public name: string,
    readonly kind: SpanKind,
    /** When it started, a `performance.now()` reading. */
    readonly startedAt: number,
    attributes: SpanAttributes | undefined,
    readonly links: SpanLink[] = NO_LINKS,
    private readonly sink: SpanSink | undefined,
  ) {
    this.attributes = attributes ?? {};
    this.ownAttributes = attributes === undefined;
  }

  spanContext(): SpanIds {
    return this;
  }

  get startTime(): HrTime {
    return clock(this.startedAt);
  }

  get endTime(): HrTime {
    return this.ended ? clock(this.endedAt) : ORIGIN;
  }

  get events(): SpanEvent[] {
    const moments = this.moments;
    if (moments === undefined) return NO_EVENTS;
    const events: SpanEvent[] = [];
    for (let i = 0; i < moments.length; i += 3) {
      const attributes = moments[i + 2] as SpanAttributes | undefined;
      const time = clock(moments[i + 1] as number);
      events.push(attributes === undefined ? { name: moments[i] as string, time } : { name: moments[i] as string, time, attributes });
    }
    return events;
  }

  /** Whether the span is recorded (its trace sampled): an unsampled one only carries ids. */
  get recording(): boolean {
    return this.sink !== undefined && !this.ended;
  }

  setAttribute(key: string, value: string | number | boolean): void {
    if (!this.recording) return;
    if (!this.ownAttributes) {
      // Object.assign, not a spread: a spread's copy was slow to add keys to (withTraceContext)
      this.attributes = Object.assign({}, this.attributes);
      this.ownAttributes = true;
    }
    this.attributes[key] = value;
  }

  addEvent(name: string, attributes?: SpanAttributes): void {
    if (!this.recording) return;
    (this.moments ??= []).push(name, performance.now(), attributes);
  }

  updateName(name: string): void {
    if (this.recording) this.name = name;
  }

  setStatus(status: SpanStatus): void {
    if (this.recording) this.status = status;
  }

  /** Ends the span (once) at `now` and hands it to the sink when it is sampled. */
  end(now: number = performance.now()): void {
    if (!this.recording) return;
    this.ended = true;
    this.endedAt = now;
    this.sink!(this);
  }
}
