/** The evaluator: every operator and function, with SQL's nulls (SPEC §4). */
import { describe, expect, it } from 'vitest';
import { ExpressionError, NumberOutOfRangeError } from '../../src/errors.js';
import { compileExpression, parseExpression, type EvalScope } from '../../src/expr/index.js';

const NOW = new Date('2024-06-01T12:00:00.000Z');
const scope: EvalScope = {
  roots: {
    data: {
      q: 2,
      price: 1.5,
      s: 'Hi',
      arr: [1, 2, 2, null],
      items: [{ p: 2 }, { p: 3.5 }, { x: 1 }, 7],
      nested: { a: { b: 'deep' } },
      nul: null,
      t: true,
      f: false,
      in: 'kw',
    },
    metadata: { user: 'u1' },
    input: { reason: 'r', quantity: 4 },
    aggregate_id: 'agg-1',
    timestamp: '2024-01-01T00:00:00.000Z',
    version: 3,
    position: 10n,
  },
  fields: {
    status: 'pending',
    total: 10,
    items: ['a', 'b'],
    name: '  Ann \t',
    email: 'Ann@Example.COM',
    empty: null,
    list: [],
    csv: 'a,b,,c',
  },
  now: NOW,
};

const run = (text: string, s: EvalScope = scope) => {
  const { ast, diagnostics } = parseExpression(text);
  if (!ast) throw new Error(diagnostics.map((d) => d.message).join('; '));
  return compileExpression(ast)(s);
};

const cases = (table: [string, unknown][]) => it.each(table)('%s → %j', (text, expected) => expect(run(text)).toEqual(expected));

describe('literals and paths', () => {
  cases([
    ["'it''s'", "it's"],
    ['12.5', 12.5],
    ['1e3', 1000],
    ['.5', 0.5],
    ['TRUE', true],
    ['false', false],
    ['Null', null],
    ["[1, 'a', null, [true]]", [1, 'a', null, [true]]],
    ['[]', []],
    ['data.q', 2],
    ['data.nested.a.b', 'deep'],
    ['data.items[1].p', 3.5],
    ['data.arr[-1]', null],
    ['data.arr[-2]', 2],
    ["data['nested']['a'].b", 'deep'],
    ['data.in', 'kw'],
    ['data.missing.deeper', null],
    ['data.s.length', null],
    ['data.arr.length', null],
    ['data.q[0]', null],
    ['data.items[0][0]', null],
    ['items[0]', 'a'],
    ['items[5]', null],
    ['status', 'pending'],
    ['unknown_field', null],
    ['metadata.user', 'u1'],
    ['input.reason', 'r'],
    ['aggregate_id', 'agg-1'],
    ['version', 3],
    ['position', 10],
    ['timestamp', '2024-01-01T00:00:00.000Z'],
    ['(((1)))', 1],
  ]);

  it('reads a root before a field of the same name, and only own properties', () => {
    const s: EvalScope = { roots: { data: 'root' }, fields: { data: 'field', items: ['x'] } };
    expect(run('data', s)).toBe('root');
    expect(run('constructor', s)).toBeNull();
    expect(run('toString', s)).toBeNull();
    expect(run('items.constructor', s)).toBeNull();
    expect(run('data.length', s)).toBeNull();
    expect(run('__proto__', { roots: {}, fields: JSON.parse('{"__proto__": 5}') })).toBe(5);
  });

  it('gives null, never undefined, for a missing name', () => {
    expect(run('nothing.here', { roots: {}, fields: {} })).toBeNull();
  });
});

describe('operators', () => {
  cases([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 - 4 - 3', 3],
    ['7 / 2', 3.5],
    ['2 * -3', -6],
    ['- -2', 2],
    ['0.1 + 0.2', 0.30000000000000004],
    ['total + data.q * data.price', 13],
    ["'a' + 'b'", 'ab'],
    ["data.s + ' ' + status", 'Hi pending'],
    ["'a' + 1", null],
    ['1 + true', null],
    ['1 + null', null],
    ['null * 2', null],
    ["'a' * 2", null],
    ['-data.s', null],
    ['1 / 0', null],
    ['1 % 0', null],
    ['7 % 3', 1],
    ['-7 % 3', -1],
    ['7.5 % 2', 1.5],
    ['0.3 % 0.1', 0],
    ['1 = 1', true],
    ['1 == 1.0', true],
    ["status = 'pending'", true],
    ["status <> 'pending'", false],
    ["status != 'x'", true],
    ["1 = '1'", false],
    ["1 != '1'", true],
    ['null = null', null],
    ['1 != null', null],
    ['[1, [2]] = [1, [2]]', true],
    ['data.nested = data.nested', true],
    ['data.arr = [1, 2, 2, null]', true],
    ['1 < 2', true],
    ["'B' < 'a'", true],
    ["'a' < 'ab'", true],
    ['false < true', true],
    ['2 <= 2', true],
    ['3 > 2', true],
    ['2 >= 3', false],
    ["1 < 'a'", null],
    ['[1] < [2]', null],
    ['null < 1', null],
    ['true AND true', true],
    ['true AND false', false],
    ['true AND null', null],
    ['false AND null', false],
    ['null AND false', false],
    ['true OR null', true],
    ['false OR null', null],
    ['null || true', true],
    ['true && false', false],
    ['NOT true', false],
    ['!false', true],
    ['NOT null', null],
    ["NOT 'x'", null],
    ["'x' AND true", null],
    ['NOT 1 = 2', true],
    ['1 = 1 OR 1 = 2 AND false', true],
    ['empty IS NULL', true],
    ['empty IS NOT NULL', false],
    ['status is not null', true],
    ['1 + null IS NULL', true],
    ["status IN ('a', 'pending')", true],
    ["status IN ('a', 'b')", false],
    ["status IN ('a', null)", null],
    ["status IN ('pending', null)", true],
    ["status NOT IN ('a', 'b')", true],
    ["status NOT IN ('a', null)", null],
    ["null IN ('a')", null],
    ["1 IN ('1', 2)", false],
  ]);

  it('throws 422 NUMBER_OUT_OF_RANGE (a catalog error of its own, not EXPR_EVALUATION) where PostgreSQL float8 raises (overflow, underflow)', () => {
    expect(() => run('1e300 * 1e300')).toThrow(NumberOutOfRangeError);
    expect(() => run('1e300 * 1e300')).not.toThrow(ExpressionError);
    expect(() => run('1e300 * 1e300')).toThrow(expect.objectContaining({ code: 'NUMBER_OUT_OF_RANGE', status: 422 }));
    expect(() => run('1e300 * 1e300')).toThrow(/overflow/);
    expect(() => run('1e-300 * 1e-300')).toThrow(/underflow/);
    expect(() => run('1e-300 / 1e300')).toThrow(/underflow/);
    expect(run('0 * 1e-300')).toBe(0);
  });
});

describe('functions', () => {
  cases([
    ['COALESCE(null, empty, 2, 3)', 2],
    ['coalesce(null)', null],
    ["CONCAT('a', 1, true, null, 2.5)", 'a1true2.5'],
    ['CONCAT(1e21, 1e-7, 0.000001, 1.5e15)', '1e+211e-70.0000011500000000000000'],
    ["CONCAT(null, [1], 'x')", 'x'],
    ['LOWER(email)', 'ann@example.com'],
    ['UPPER(email)', 'ANN@EXAMPLE.COM'],
    ["LOWER('ÉCOLE')", 'École'],
    ['LOWER(5)', null],
    ['TRIM(name)', 'Ann'],
    ['LENGTH(data.s)', 2],
    ["LENGTH('😀é')", 2],
    ['LENGTH(items)', 2],
    ['LENGTH(empty)', null],
    ['LENGTH(5)', null],
    ['ROUND(2.675, 2)', 2.68],
    ['ROUND(2.5)', 3],
    ['ROUND(-2.5)', -3],
    ['ROUND(-0.4)', 0],
    ['ROUND(1234.5678, -2)', 1200],
    ['ROUND(1.005, 2)', 1.01],
    ['ROUND(0.1 + 0.2, 10)', 0.3],
    ['ROUND(5, 2.9)', 5],
    ['ROUND(null, 2)', null],
    ['ROUND(2.5, null)', null],
    ['FLOOR(-1.5)', -2],
    ['CEIL(1.2)', 2],
    ['ABS(-3)', 3],
    ["ABS('3')", null],
    ['GREATEST(1, 5, null, 3)', 5],
    ['LEAST(4, null, 2)', 2],
    ["GREATEST('a', 'B')", 'a'],
    ['GREATEST(true, false)', true],
    ["GREATEST(1, 'a')", null],
    ['GREATEST(null, null)', null],
    ['GREATEST([1], [2])', null],
    ['NOW()', '2024-06-01T12:00:00.000Z'],
    ['APPEND(items, 3)', ['a', 'b', 3]],
    ['APPEND(empty, data.q)', [2]],
    ['APPEND(list, null)', [null]],
    ['APPEND(status, 1)', null],
    ['REMOVE(data.arr, 2)', [1, null]],
    ['REMOVE(data.arr, null)', [1, 2, 2]],
    ['REMOVE(data.items, data.items[0])', [{ p: 3.5 }, { x: 1 }, 7]],
    ['REMOVE(empty, 1)', []],
    ['REMOVE(status, 1)', null],
    ['SUM(data.arr)', 5],
    ["SUM(data.items, 'p')", 5.5],
    ['SUM(list)', 0],
    ['SUM(empty)', 0],
    ['SUM(status)', null],
    ['SUM(data.items, null)', null],
    ['COUNT(data.arr)', 3],
    ['COUNT(empty)', 0],
    ['COUNT(status)', null],
    ["CONTAINS(status, 'end')", true],
    ["CONTAINS(status, '')", true],
    ["CONTAINS(status, 'x')", false],
    ['CONTAINS(status, 1)', null],
    ['CONTAINS(data.arr, 2)', true],
    ["CONTAINS(data.arr, '2')", false],
    ['CONTAINS(data.items, data.items[1])', true],
    ['CONTAINS(data.arr, null)', null],
    ['CONTAINS(empty, 1)', null],
    ["SPLIT_PART(csv, ',', 2)", 'b'],
    ["SPLIT_PART(csv, ',', 3)", ''],
    ["SPLIT_PART(csv, ',', -1)", 'c'],
    ["SPLIT_PART(csv, ',', 9)", ''],
    ["SPLIT_PART(csv, ',', 0)", null],
    ["SPLIT_PART(csv, '', 1)", 'a,b,,c'],
    ["SPLIT_PART(csv, '', 2)", ''],
    ["SPLIT_PART(csv, ',', 1.9)", 'a'],
    ["split_part(null, ',', 1)", null],
  ]);

  it('NOW() without a scope time is the current time, as ISO-8601', () => {
    const before = Date.now();
    const value = run('NOW()', { roots: {}, fields: {} }) as string;
    expect(Date.parse(value)).toBeGreaterThanOrEqual(before - 1);
    expect(value).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('fails once, at compile time, on a function or argument count check would reject', () => {
    expect(() => compileExpression(parseExpression('NOPE(1)').ast!)).toThrow(/unknown function NOPE/);
    expect(() => compileExpression(parseExpression('LOWER(1, 2)').ast!)).toThrow(/LOWER\(text\) called with 2/);
  });

  it('does not modify the arrays it is given', () => {
    const s: EvalScope = { roots: {}, fields: { items: [1, 2] } };
    expect(run('APPEND(items, 3)', s)).toEqual([1, 2, 3]);
    expect(run('REMOVE(items, 1)', s)).toEqual([2]);
    expect(s.fields.items).toEqual([1, 2]);
  });
});
