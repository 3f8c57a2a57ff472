/** The admin page's pure parts: rates and p99 from two metric snapshots, the state diff, SSE blocks, model redaction. */
import { describe, expect, it } from 'vitest';
import { diffJson } from '../../admin/src/diff.js';
import { quantileMs, ratePoint, type MetricsSnapshot } from '../../admin/src/rates.js';
import { parseBlock } from '../../admin/src/sseParse.js';
import { redactModel } from '../../src/admin/redactModel.js';
import { appSchema } from '../../src/config/schema/index.js';

const snap = (at: number, commands: number, events: number, latency: [number | null, number][]): MetricsSnapshot => ({
  at,
  commands,
  command_errors: 0,
  events,
  http_requests: 0,
  command_latency: latency,
});

describe('rates', () => {
  it('turns two snapshots into per-second rates and the p99 of the commands between them', () => {
    const a = snap(1000, 10, 20, [
      [0.001, 5],
      [0.01, 10],
      [0.1, 10],
      [null, 10],
    ]);
    // 100 more commands: 98 under 1 ms, 1 under 10 ms, 1 under 100 ms
    const b = snap(3000, 110, 320, [
      [0.001, 103],
      [0.01, 109],
      [0.1, 110],
      [null, 110],
    ]);
    const p = ratePoint(a, b);
    expect(p.commandsPerSecond).toBe(50);
    expect(p.eventsPerSecond).toBe(150);
    expect(p.p99Ms).toBe(10);
  });

  it('has no p99 when no command ran, and the largest finite bound when the tail is past it', () => {
    const h: [number | null, number][] = [
      [0.001, 1],
      [null, 1],
    ];
    expect(quantileMs(h, h, 0.99)).toBeNull();
    expect(
      quantileMs(
        [
          [0.5, 0],
          [null, 0],
        ],
        [
          [0.5, 0],
          [null, 4],
        ],
        0.99,
      ),
    ).toBe(500);
  });
});

describe('diffJson', () => {
  it('lists changed, added and removed paths, walking objects and arrays', () => {
    expect(diffJson({ name: 'Ada', tags: ['a'], gone: 1 }, { name: 'Ada L', tags: ['a', 'b'], added: { x: 1 } })).toEqual([
      { path: 'name', kind: 'changed', before: 'Ada', after: 'Ada L' },
      { path: 'tags[1]', kind: 'added', after: 'b' },
      { path: 'gone', kind: 'removed', before: 1 },
      { path: 'added', kind: 'added', after: { x: 1 } },
    ]);
    expect(diffJson({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
  });
});

describe('parseBlock', () => {
  it('reads id, event and multi-line data; a heartbeat comment is no message', () => {
    expect(parseBlock('id: 7\nevent: UserCreated\ndata: {"a":\ndata: 1}')).toEqual({ id: '7', event: 'UserCreated', data: '{"a":\n1}' });
    expect(parseBlock(': ping')).toBeUndefined();
  });
});

describe('redactModel', () => {
  it('redacts tokens, webhook secrets, @env.secure values and URL passwords', () => {
    const model = appSchema.parse({
      event_store: { type: 'postgresql', connection: 'postgres://app:s3cret@db:5432/app' },
      server: { auth: { tokens: ['tok-1', 'tok-2'] } },
      publishers: { webhooks: { endpoints: ['https://hooks.example.com/x'], secret: 'hmac-key' } },
      aggregates: { a: { state: { label: 'env-secret-value' }, commands: { C: { creates: true, emits: 'E' } } } },
    });
    const text = JSON.stringify(redactModel(model, new Set(['env-secret-value'])));
    for (const secret of ['s3cret', 'tok-1', 'tok-2', 'hmac-key', 'env-secret-value']) expect(text).not.toContain(secret);
    expect(text).toContain('postgres://app:***@db:5432/app');
    expect(text).toContain('https://hooks.example.com/x');
  });
});
