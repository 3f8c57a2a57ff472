import { describe, expect, it } from 'vitest';
import { frozenCopy } from '../../src/util/frozenCopy.js';

describe('frozenCopy', () => {
  it('copies a JSON-like value deeply, frozen at every level, equal to structuredClone, sharing nothing', () => {
    const state = { n: 1, s: 'x', none: null, maybe: undefined, items: [{ q: 2, tags: ['a'] }], nested: { deep: { list: [1, 2] } } };
    const copy = frozenCopy(state);
    expect(copy).toEqual(structuredClone(state));
    expect(Object.keys(copy)).toEqual(Object.keys(state));
    for (const v of [copy, copy.items, copy.items[0], copy.items[0]!.tags, copy.nested, copy.nested.deep, copy.nested.deep.list]) {
      expect(Object.isFrozen(v)).toBe(true);
    }
    expect(copy.items).not.toBe(state.items);
    expect(copy.nested.deep).not.toBe(state.nested.deep);
    // the original stays as it was: changeable, and unchanged by the copy
    state.items[0]!.q = 3;
    expect(copy.items[0]!.q).toBe(2);
    expect(Object.isFrozen(state)).toBe(false);
  });

  it('copies what is not an array or a plain object through structuredClone (a Date stays a Date)', () => {
    const at = new Date('2026-01-02T03:04:05Z');
    const copy = frozenCopy({ at, bare: Object.assign(Object.create(null) as object, { k: 1 }) });
    expect(copy.at).toBeInstanceOf(Date);
    expect(copy.at).not.toBe(at);
    expect(copy.at.getTime()).toBe(at.getTime());
    expect(copy.bare).toEqual({ k: 1 });
    expect(Object.isFrozen(copy.bare)).toBe(true);
    expect(frozenCopy(5)).toBe(5);
    expect(frozenCopy(null)).toBe(null);
  });
});
