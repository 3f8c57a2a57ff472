/** Span names made once per pair of parts (the command and request spans). */
import { describe, expect, it } from 'vitest';
import { SpanNames } from '../../src/telemetry/spanNames.js';

describe('SpanNames', () => {
  it('makes each name once and hands back the same string', () => {
    let made = 0;
    const names = new SpanNames((a, b) => {
      made++;
      return `command ${a}.${b}`;
    });
    expect(names.get('Cart', 'AddItem')).toBe('command Cart.AddItem');
    expect(names.get('Cart', 'AddItem')).toBe('command Cart.AddItem');
    expect(names.get('Cart', 'Checkout')).toBe('command Cart.Checkout');
    expect(made).toBe(2);
  });

  it('keeps at most 1,024 names and still names the rest', () => {
    let made = 0;
    const names = new SpanNames((a, b) => {
      made++;
      return `${a} ${b}`;
    });
    for (let i = 0; i < 1100; i++) names.get('GET', `/r${i}`);
    made = 0;
    expect(names.get('GET', '/r1')).toBe('GET /r1');
    expect(names.get('GET', '/r1050')).toBe('GET /r1050');
    expect(made).toBe(1);
  });
});
