/** W3C traceparent parsing and the headers a published event carries. */
import { describe, expect, it } from 'vitest';
import { eventHeaders } from '../../src/publishers/eventHeaders.js';
import { parseTraceparent, traceContextOf } from '../../src/telemetry/traceContext.js';
import { eventJson } from '../publishers/eventJson.js';

const VALID = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('parseTraceparent', () => {
  it('accepts a W3C traceparent and rejects malformed or all-zero ones', () => {
    expect(parseTraceparent(VALID)).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 });
    for (const bad of [
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
      `${VALID}-extra`,
      'garbage',
      42,
    ])
      expect(parseTraceparent(bad), String(bad)).toBeUndefined();
    // a later version may append fields
    expect(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future')).toBeDefined();
  });

  it('keeps tracestate only beside a valid traceparent', () => {
    expect(traceContextOf({ traceparent: VALID, tracestate: 'vendor=1' })).toEqual({ traceparent: VALID, tracestate: 'vendor=1' });
    expect(traceContextOf({ traceparent: 'nope', tracestate: 'vendor=1' })).toBeUndefined();
  });

  it('drops a tracestate past the W3C bounds (512 characters, 32 members, printable ASCII), keeping the traceparent', () => {
    const members = (n: number) => Array.from({ length: n }, (_, i) => `v${i}=x`).join(',');
    expect(traceContextOf({ traceparent: VALID, tracestate: members(32) })).toEqual({ traceparent: VALID, tracestate: members(32) });
    // empty members do not count; Node joins a repeated header with ", "
    expect(traceContextOf({ traceparent: VALID, tracestate: `a=1, ,b=2,` })?.tracestate).toBe('a=1, ,b=2,');
    for (const state of [members(33), `a=${'x'.repeat(511)}`, 'a=caf\u00e9', 'a=1\nb=2', ' , ', ''])
      expect(traceContextOf({ traceparent: VALID, tracestate: state }), JSON.stringify(state)).toEqual({ traceparent: VALID });
  });
});

describe('eventHeaders', () => {
  it('carries the trace context of the event metadata to Kafka and RabbitMQ headers', () => {
    const event = eventJson({ metadata: { traceparent: VALID } });
    expect(eventHeaders(event).traceparent).toBe(VALID);
    expect(eventHeaders({ ...event, metadata: {} }).traceparent).toBeUndefined();
  });
});
