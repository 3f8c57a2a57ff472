import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, assertEventData, assertStateSize, assertStringLength, jsonSizeWithin, LimitExceededError } from '../src/limits.js';
import { modelOf, diagnosticsOf } from './config/helpers.js';

describe('the limits block', () => {
  it('has defaults when the config has no limits block', async () => {
    const { model } = await modelOf('aggregates = {}');
    expect(model.limits).toEqual({ event_data: 1024 ** 2, state: 4 * 1024 ** 2, string_length: 1_000_000 });
    expect(model.limits).toEqual(DEFAULT_LIMITS);
  });

  it('reads sizes like other sizes ("1MB") and lengths as integers', async () => {
    const { model, diagnostics } = await modelOf('limits = { event_data = "64KB", state = "2MB", string_length = 5000 }');
    expect(diagnostics).toEqual([]);
    expect(model.limits).toEqual({ event_data: 64 * 1024, state: 2 * 1024 ** 2, string_length: 5000 });
  });

  it('refuses a bad size and an unknown key, located', async () => {
    const diags = await diagnosticsOf('limits = {\n  state = "lots"\n  strings = 5\n}');
    expect(diags).toHaveLength(2);
    expect(diags[0]).toMatch(/^2:\d+ error CONFIG_INVALID .*bad size "lots"/);
    expect(diags[1]).toMatch(/^3:\d+ error CONFIG_UNKNOWN_KEY/);
  });
});

describe('the limit guards', () => {
  it('measures JSON size within a budget, without expanding shared values', () => {
    expect(jsonSizeWithin({ a: 'x'.repeat(90) }, 100)).toBe(true);
    expect(jsonSizeWithin({ a: 'x'.repeat(100) }, 100)).toBe(false);
    // 2^40 leaves when expanded: the walk stops as soon as the budget is spent
    let v: unknown = ['x'];
    for (let i = 0; i < 40; i++) v = [v, v];
    expect(jsonSizeWithin(v, 10_000)).toBe(false);
    expect(JSON.stringify({ a: 'x'.repeat(90), b: [1, true, null] }).length).toBeLessThanOrEqual(120);
    expect(jsonSizeWithin({ a: 'x'.repeat(90), b: [1, true, null] }, 120)).toBe(true);
  });

  it('throws catalog errors with stable codes, statuses and the key', () => {
    const long = () => assertStringLength(11, 10);
    expect(long).toThrow(LimitExceededError);
    expect(long).toThrow(/limits\.string_length \(10\)/);
    expect(() => assertEventData('Big', { s: 'x'.repeat(100) }, 50)).toThrow(
      expect.objectContaining({ code: 'EVENT_TOO_LARGE', status: 413, details: { limit: 'limits.event_data', max: 50 } }),
    );
    expect(() => assertStateSize('counter', { s: 'x'.repeat(100) }, 50)).toThrow(
      expect.objectContaining({ code: 'STATE_TOO_LARGE', status: 422 }),
    );
    expect(() => assertStringLength(10, 10)).not.toThrow();
  });
});
