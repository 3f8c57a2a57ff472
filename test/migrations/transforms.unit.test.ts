/** The built-in transforms of event migrations, one by one, on the values old events hold. */
import { describe, expect, it } from 'vitest';
import { BUILTIN_TRANSFORMS } from '../../src/config/checks/transforms.js';
import { BUILTIN_IMPLEMENTATIONS } from '../../src/migrations/builtinTransforms.js';
import { normalizeOrderItems } from '../../src/migrations/normalizeOrderItems.js';
import { splitName, splitNameFields } from '../../src/migrations/splitName.js';
import { toArray, toBoolean, toLower, toNumber, toString, toTimestamp, toUpper, trim } from '../../src/migrations/valueTransforms.js';

/** Runs built-in `name` on field `field` of a copy of `data`. */
function run(name: keyof typeof BUILTIN_IMPLEMENTATIONS, data: Record<string, unknown>, field: string): Record<string, unknown> {
  const out = { ...data };
  BUILTIN_IMPLEMENTATIONS[name](out, field);
  return out;
}

describe('built-in transforms', () => {
  it('implements exactly the names check accepts', () => {
    expect(Object.keys(BUILTIN_IMPLEMENTATIONS).sort()).toEqual([...BUILTIN_TRANSFORMS].sort());
  });

  it('to_lower, to_upper, trim change strings and pass anything else through', () => {
    expect([toLower('Ada@X.COM'), toUpper('eur'), trim('  a b  ')]).toEqual(['ada@x.com', 'EUR', 'a b']);
    expect([toLower(null), toUpper(5), trim(['x'])]).toEqual([null, 5, ['x']]);
  });

  it('to_number reads decimal text and booleans; anything else is null', () => {
    expect(['42', ' -3.5 ', '1e3', '.5', 7, true, false].map(toNumber)).toEqual([42, -3.5, 1000, 0.5, 7, 1, 0]);
    expect(['', 'abc', '0x10', '1,5', null, {}, [], Infinity].map(toNumber)).toEqual([null, null, null, null, null, null, null, null]);
  });

  it('to_string prints scalars and writes JSON for arrays and objects', () => {
    expect(['a', 1.5, false, null, [1, 'x'], { a: 1 }].map(toString)).toEqual(['a', '1.5', 'false', null, '[1,"x"]', '{"a":1}']);
  });

  it('to_boolean reads yes/no words and numbers; anything else is null', () => {
    expect([true, 'TRUE', ' yes ', 'on', '1', 1, -2].map(toBoolean)).toEqual([true, true, true, true, true, true, true]);
    expect([false, 'false', 'No', 'off', '0', '', 0].map(toBoolean)).toEqual([false, false, false, false, false, false, false]);
    expect(['maybe', null, {}, Number.NaN].map(toBoolean)).toEqual([null, null, null, null]);
  });

  it('to_array wraps a single value and turns null into []', () => {
    expect([[1, 2], 'a', { a: 1 }, null].map(toArray)).toEqual([[1, 2], ['a'], [{ a: 1 }], []]);
  });

  it('to_timestamp gives UTC ISO text; zone-less text is UTC; numbers are Unix seconds or milliseconds', () => {
    expect(
      [
        '2024-03-01',
        '2024-03-01 10:20',
        '2024-03-01T10:20:30.5',
        '2024-03-01T10:20:30+02:00',
        '2024-03-01T10:20:30-0130',
        '2024-03-01T10:20:30+02',
        1_700_000_000,
        1_700_000_000_123,
      ].map(toTimestamp),
    ).toEqual([
      '2024-03-01T00:00:00.000Z',
      '2024-03-01T10:20:00.000Z',
      '2024-03-01T10:20:30.500Z',
      '2024-03-01T08:20:30.000Z',
      '2024-03-01T11:50:30.000Z',
      '2024-03-01T08:20:30.000Z',
      '2023-11-14T22:13:20.000Z',
      '2023-11-14T22:13:20.123Z',
    ]);
    expect(
      ['2024-02-30', '2023-02-29T00:00:00Z', '2024-01-01T25:00', 'yesterday', '01/02/2024', null, Number.NaN].map(toTimestamp),
    ).toEqual([null, null, null, null, null, null, null]);
    expect(toTimestamp('2024-02-29T12:00:00Z')).toBe('2024-02-29T12:00:00.000Z');
  });
});

describe('split_name_to_first_last', () => {
  it('splits at the first space: the given name, then the rest', () => {
    expect(['Ada Lovelace', ' Ada  King Lovelace ', 'Cher', '', null, 42].map(splitName)).toEqual([
      ['Ada', 'Lovelace'],
      ['Ada', 'King Lovelace'],
      ['Cher', null],
      [null, null],
      [null, null],
      [null, null],
    ]);
  });

  it('replaces the field by two fields named after it', () => {
    expect(run('split_name_to_first_last', { name: 'Ada Lovelace', email: 'a@x.io' }, 'name')).toEqual({
      email: 'a@x.io',
      first_name: 'Ada',
      last_name: 'Lovelace',
    });
    expect(run('split_name_to_first_last', { customer_name: 'Alan Turing' }, 'customer_name')).toEqual({
      customer_first_name: 'Alan',
      customer_last_name: 'Turing',
    });
    expect(splitNameFields('author')).toEqual(['author_first', 'author_last']);
  });
});

describe('normalize_order_items', () => {
  it('gives every item product_id, quantity and unit_price, from the spellings old events used', () => {
    expect(
      normalizeOrderItems([
        { product_id: 'p1', quantity: 2, unit_price: 9.5 },
        { productId: 'p2', qty: '3', price: '1.25', note: 'gift' },
        { sku: 7, count: 1 },
        { product: 'p4' },
      ]),
    ).toEqual([
      { product_id: 'p1', quantity: 2, unit_price: 9.5 },
      { product_id: 'p2', quantity: 3, unit_price: 1.25, note: 'gift' },
      { product_id: '7', quantity: 1, unit_price: null },
      { product_id: 'p4', quantity: 1, unit_price: null },
    ]);
  });

  it('reads bare ids, a single item, and maps of product id to quantity or item', () => {
    expect(normalizeOrderItems(['p1', 2])).toEqual([
      { product_id: 'p1', quantity: 1, unit_price: null },
      { product_id: '2', quantity: 1, unit_price: null },
    ]);
    expect(normalizeOrderItems({ product_id: 'p1', quantity: 4 })).toEqual([{ product_id: 'p1', quantity: 4, unit_price: null }]);
    expect(normalizeOrderItems({ p1: 2, p2: { price: 3 } })).toEqual([
      { product_id: 'p1', quantity: 2, unit_price: null },
      { product_id: 'p2', quantity: 1, unit_price: 3 },
    ]);
    expect(normalizeOrderItems('p9')).toEqual([{ product_id: 'p9', quantity: 1, unit_price: null }]);
  });

  it('turns null into [], drops null and unreadable items, and marks a non-numeric quantity null', () => {
    expect(normalizeOrderItems(null)).toEqual([]);
    expect(normalizeOrderItems([null, true, [1], { product_id: 'p', quantity: 'lots' }])).toEqual([
      { product_id: 'p', quantity: null, unit_price: null },
    ]);
  });

  it('builds new item objects and leaves the stored ones as they are', () => {
    const stored = [{ productId: 'p1', qty: 1 }];
    const before = structuredClone(stored);
    const [item] = normalizeOrderItems(stored);
    expect(item).not.toBe(stored[0]);
    expect(stored).toEqual(before);
  });
});
