/**
 * fast-check generators for the agreement test: expressions of every operator and function
 * (as text, so the parser is exercised too), event roots and a projection row, nulls included.
 */
import fc from 'fast-check';

/** The projection row the SQL side reads bare names from. */
export const COLUMNS = {
  c_num: 'numeric',
  c_int: 'integer',
  c_text: 'text',
  c_bool: 'boolean',
  c_json: 'jsonb',
  c_arr: 'jsonb',
  c_ts: 'timestamptz',
} as const;

const NUMBERS = [0, 1, 2, 3, 7, 10, -4, 0.1, 0.2, 0.3, 2.5, -2.5, 2.675, 1e-7, 1.5e-5, 1.5e15, 123.456, 1e21, 1234.5];
const STRINGS = ['', 'a', 'B', 'abc', 'a,b,c', ' x\t', 'É', 'Ab', '10', ',', 'z', "'; DROP TABLE t; --"];

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const call = (name: string, ...args: string[]) => `${name}(${args.join(', ')})`;

// -------------------------------------------------------------------------- values

const numValue = fc.oneof(
  fc.constantFrom(...NUMBERS),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).map((x) => (Math.abs(x) < 1e-100 ? 0 : x)),
);
const strValue = fc.oneof(
  fc.constantFrom(...STRINGS),
  fc.string({ unit: fc.constantFrom('a', 'B', 'z', ' ', ',', "'", 'É', 'é', '1', '.', '\t', '"', '\\', '%', '_'), maxLength: 6 }),
);
const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 4 });

const jsonLeaf = fc.oneof(numValue, strValue, fc.boolean(), fc.constant(null));
const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', maxDepth: 2 },
    jsonLeaf,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('k', 'p', 'x'), tie('v'), { maxKeys: 3 }),
  ),
})).v;
const arrayValue = fc.array(fc.oneof(jsonLeaf, fc.record({ p: nullable(numValue) }), fc.array(jsonLeaf, { maxLength: 2 })), {
  maxLength: 5,
});
const isoValue = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2030, 0, 1) }).map((ms) => new Date(ms).toISOString());

/** The event side: what a projection's expressions see as roots. */
export const rootsArb = fc.record({
  data: fc.record({
    n1: nullable(numValue),
    n2: nullable(numValue),
    s1: nullable(strValue),
    s2: nullable(strValue),
    b1: nullable(fc.boolean()),
    arr: nullable(arrayValue),
    obj: fc.record({ k: nullable(jsonLeaf) }),
    any: jsonValue,
  }),
  aggregate_id: strValue,
  timestamp: isoValue,
  version: fc.integer({ min: 1, max: 100 }),
});

/** One row of the target table, as JavaScript values (jsonb columns may hold a JSON null). */
export const rowArb = fc.record({
  c_num: nullable(numValue),
  c_int: nullable(fc.integer({ min: -1000, max: 1000 })),
  c_text: nullable(strValue),
  c_bool: nullable(fc.boolean()),
  c_json: jsonValue,
  c_arr: nullable(arrayValue),
  c_ts: nullable(isoValue),
});

// -------------------------------------------------------------------------- expressions

const numLeaf = fc.oneof(
  fc.constantFrom(...NUMBERS.filter((n) => n >= 0)).map(String),
  fc.constantFrom(
    'data.n1',
    'data.n2',
    'c_num',
    'c_int',
    'version',
    'data.any',
    'c_json',
    'c_arr[0]',
    'c_arr[-1]',
    'data.arr[1]',
    'data.obj.k',
    'c_json.k',
    'c_json[0].p',
    'null',
  ),
);
const strLeaf = fc.oneof(
  fc.constantFrom(...STRINGS).map(quote),
  fc.constantFrom(
    'data.s1',
    'data.s2',
    'c_text',
    'aggregate_id',
    'timestamp',
    'c_ts',
    'data.any',
    'c_json',
    'c_arr[1]',
    'data.obj.k',
    'null',
  ),
);
const boolLeaf = fc.constantFrom('true', 'false', 'null', 'data.b1', 'c_bool', 'data.any', 'c_json', 'c_arr[2]');
const arrLeaf = fc.constantFrom('data.arr', 'c_arr', 'c_json', 'data.any', '[]', 'null', 'data', 'data.obj', "[1, 'a', null]");

/** Expression text by the kind it mostly yields (mistyped mixes included: both back ends must agree on those too). */
export const exprs = fc.letrec<{ num: string; str: string; bool: string; arr: string; any: string }>((tie) => {
  const num = tie('num');
  const str = tie('str');
  const bool = tie('bool');
  const arr = tie('arr');
  const any = tie('any');
  const depth = { depthSize: 'small' as const, maxDepth: 4, depthIdentifier: 'expr' };
  return {
    num: fc.oneof(
      depth,
      numLeaf,
      { arbitrary: fc.tuple(num, fc.constantFrom('+', '-', '*', '/', '%'), num).map(([a, op, b]) => `(${a} ${op} ${b})`), weight: 6 },
      num.map((a) => `-${a}`),
      num.map((a) => call('ROUND', a)),
      fc
        .tuple(
          num,
          fc.oneof(
            fc.integer({ min: -2, max: 4 }).map((k) => (k < 0 ? `-${-k}` : String(k))),
            num,
          ),
        )
        .map(([a, k]) => call('ROUND', a, k)),
      fc.tuple(fc.constantFrom('FLOOR', 'CEIL', 'ABS'), num).map(([f, a]) => call(f, a)),
      fc.oneof(str, arr).map((a) => call('LENGTH', a)),
      arr.map((a) => call('SUM', a)),
      arr.map((a) => call('SUM', a, "'p'")),
      arr.map((a) => call('COUNT', a)),
      fc
        .tuple(fc.constantFrom('GREATEST', 'LEAST', 'COALESCE'), fc.array(num, { minLength: 1, maxLength: 3 }))
        .map(([f, a]) => call(f, ...a)),
    ),
    str: fc.oneof(
      depth,
      strLeaf,
      { arbitrary: fc.tuple(str, str).map(([a, b]) => `(${a} + ${b})`), weight: 2 },
      fc.array(fc.oneof(num, str, bool, arr), { minLength: 1, maxLength: 3 }).map((a) => call('CONCAT', ...a)),
      fc.tuple(fc.constantFrom('LOWER', 'UPPER', 'TRIM'), str).map(([f, a]) => call(f, a)),
      fc
        .tuple(
          str,
          fc.oneof(fc.constantFrom("','", "''", "'a'"), str),
          fc.oneof(
            fc.integer({ min: -3, max: 3 }).map((k) => (k < 0 ? `-${-k}` : String(k))),
            num,
          ),
        )
        .map(([a, d, n]) => call('SPLIT_PART', a, d, n)),
      { arbitrary: fc.constant('NOW()'), weight: 1 },
      fc
        .tuple(fc.constantFrom('GREATEST', 'LEAST', 'COALESCE'), fc.array(str, { minLength: 1, maxLength: 3 }))
        .map(([f, a]) => call(f, ...a)),
    ),
    bool: fc.oneof(
      depth,
      boolLeaf,
      {
        arbitrary: fc
          .tuple(
            fc.oneof(fc.tuple(num, num), fc.tuple(str, str), fc.tuple(any, any)),
            fc.constantFrom('=', '==', '!=', '<>', '<', '<=', '>', '>='),
          )
          .map(([[a, b], op]) => `(${a} ${op} ${b})`),
        weight: 5,
      },
      { arbitrary: fc.tuple(bool, fc.constantFrom('AND', 'OR', '&&', '||'), bool).map(([a, op, b]) => `(${a} ${op} ${b})`), weight: 3 },
      bool.map((a) => `(NOT ${a})`),
      fc.tuple(any, fc.boolean()).map(([a, not]) => `(${a} IS ${not ? 'NOT ' : ''}NULL)`),
      fc
        .tuple(fc.oneof(num, str, any), fc.array(fc.oneof(num, str, any), { minLength: 1, maxLength: 3 }), fc.boolean())
        .map(([a, list, not]) => `(${a} ${not ? 'NOT ' : ''}IN (${list.join(', ')}))`),
      fc.tuple(fc.oneof(str, arr, any), fc.oneof(str, num, any)).map(([a, b]) => call('CONTAINS', a, b)),
      fc.tuple(fc.constantFrom('GREATEST', 'LEAST'), fc.array(bool, { minLength: 1, maxLength: 3 })).map(([f, a]) => call(f, ...a)),
    ),
    arr: fc.oneof(
      depth,
      arrLeaf,
      fc.tuple(arr, any).map(([a, x]) => call('APPEND', a, x)),
      fc.tuple(arr, any).map(([a, x]) => call('REMOVE', a, x)),
      fc.array(any, { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
      fc.tuple(arr, arr).map(([a, b]) => call('COALESCE', a, b)),
    ),
    any: fc.oneof(
      depth,
      { arbitrary: num, weight: 3 },
      { arbitrary: str, weight: 2 },
      { arbitrary: bool, weight: 3 },
      arr,
      fc
        .tuple(fc.constantFrom('GREATEST', 'LEAST', 'COALESCE'), fc.array(any, { minLength: 1, maxLength: 3 }))
        .map(([f, a]) => call(f, ...a)),
    ),
  };
});
