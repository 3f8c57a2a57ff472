import { describe, expect, it } from 'vitest';
import { checkJsonBody } from '../../src/http/checkJsonBody.js';

const fault = (body: unknown, depth = 64): unknown => {
  try {
    checkJsonBody(body, depth);
    return undefined;
  } catch (err) {
    return err;
  }
};

describe('checkJsonBody', () => {
  it('walks a million levels without recursion and names where the limit was passed', () => {
    const deep = JSON.parse('['.repeat(1_000_000) + ']'.repeat(1_000_000));
    expect(fault(deep)).toMatchObject({ code: 'JSON_TOO_DEEP', details: { max: 64 } });
    expect(fault({ a: [[[1]]] }, 4)).toBeUndefined();
    expect(fault({ a: [[[[]]]] }, 4)).toMatchObject({ code: 'JSON_TOO_DEEP', details: { path: '$.a[0][0][0]' } });
  });

  it('names the first string or key that is not storable text, and a __proto__ key', () => {
    expect(fault({ a: ['ok', 'x\ud800'] })).toMatchObject({ code: 'INVALID_TEXT', details: { path: '$.a[1]' } });
    expect(fault({ 'a b': { ['k\u0000']: 1 } })).toMatchObject({ code: 'INVALID_TEXT', details: { path: '$["a b"]["k\\u0000"]' } });
    expect(fault(JSON.parse('{"a":[{"__proto__":{}}]}'))).toMatchObject({ code: 'FORBIDDEN_KEY', details: { path: '$.a[0].__proto__' } });
    // a well-formed pair and ordinary keys pass
    expect(fault({ emoji: '💥', constructor: { prototype: 1 } })).toBeUndefined();
  });
});
