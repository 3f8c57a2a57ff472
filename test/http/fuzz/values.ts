/**
 * fast-check arbitraries of the values a hostile client sends, as JSON text (so a body can
 * carry what JSON.stringify never writes: lone surrogates, NUL escapes, 5,000-deep nesting,
 * `__proto__` keys, numbers past every integer boundary) and as URL text.
 */
import fc from 'fast-check';
import type { FieldSpec } from '../../../src/config/schema/index.js';

/** Strings that have hurt servers: empty, NUL, lone surrogates, control and format characters, SQL, paths. */
export const nastyText = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'a\udc00b',
  '\udfff\ud800',
  '\r\n',
  '\t',
  '\u0001',
  '\u2028',
  '\u202e',
  '\ufeff',
  '\uffff',
  '💥',
  'ǅß',
  '%',
  '%ZZ',
  '%00',
  '..',
  '../../../../etc/passwd',
  "'; DROP TABLE events; --",
  '$1',
  '__proto__',
  'constructor',
  'null',
  'true',
  '0',
  '-1',
);

/** Any string, from ordinary to hostile, up to 20,000 characters. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 3, arbitrary: nastyText },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom('x', 'é', '💥', '\ud800'), fc.integer({ min: 100, max: 20_000 })).map(([c, n]) => c.repeat(n)),
  },
);

/** A JSON string literal for `s`, lone surrogates and NUL escaped as they would be on the wire. */
export const jsonString = (s: string): string => JSON.stringify(s);

/** Numbers at every boundary a store or a parser may have. */
export const edgeNumberText = fc.oneof(
  fc.constantFrom(
    '0',
    '-0',
    '1',
    '-1',
    '2147483647',
    '2147483648',
    '-2147483649',
    '9007199254740991',
    '9007199254740993',
    '1e308',
    '1e309',
    '-1e309',
    '5e-324',
    '0.1',
    '1.5',
    '1E3',
    '123456789012345678901234567890',
  ),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
);

/** Date-like text: real instants, impossible days, years PostgreSQL cannot hold, other shapes. */
export const dateText = fc.oneof(
  fc
    .date({ noInvalidDate: true, min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z') })
    .map((d) => d.toISOString()),
  fc.constantFrom(
    '0000-01-01',
    '2024-02-30',
    '2023-02-29',
    '2024-13-01',
    '-000001-01-01T00:00:00Z',
    '+275760-09-13T00:00:00Z',
    '10000-01-01',
    '2024-01-01T24:00:00Z',
    '2024-01-01T00:00:00+99:00',
    '2024-02-29',
    'yesterday',
    '1',
    '',
  ),
);

/** `[[[…]]]` or `{"a":{"a":…}}` nested `depth` deep, as text. */
export const nestedText = fc
  .tuple(fc.integer({ min: 1, max: 6000 }), fc.boolean())
  .map(([depth, arrays]) => (arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)));

/** Any JSON value as text, with hostile strings, edge numbers, deep nesting and `__proto__` keys. */
export const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('null', 'true', 'false'),
    anyText.map(jsonString),
    edgeNumberText,
    nestedText,
    fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    fc
      .array(fc.tuple(fc.oneof(fc.string({ maxLength: 8 }), nastyText), tie('value')), { maxLength: 4 })
      .map((entries) => `{${entries.map(([k, v]) => `${jsonString(k)}:${v}`).join(',')}}`),
  ),
})).value;

/** A value `spec` accepts (most of the time), as JSON text: lets requests get past validation. */
export function validValueText(spec: FieldSpec): fc.Arbitrary<string> {
  if (spec.values !== undefined && spec.values.length > 0) return fc.constantFrom(...spec.values).map((v) => JSON.stringify(v));
  const min = spec.min ?? -1_000_000;
  const max = spec.max ?? 1_000_000;
  switch (spec.type) {
    case 'string':
      if (spec.pattern !== undefined)
        return fc
          .stringMatching(new RegExp(spec.pattern))
          .filter((s) => s.length <= (spec.max ?? 200))
          .map(jsonString);
      return fc.string({ minLength: Math.max(0, spec.min ?? 0), maxLength: Math.min(spec.max ?? 40, 40) }).map(jsonString);
    case 'integer':
      return fc.integer({ min: Math.ceil(min), max: Math.floor(max) }).map(String);
    case 'number':
      return fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n));
    case 'boolean':
      return fc.boolean().map(String);
    case 'timestamp':
      return fc
        .date({ noInvalidDate: true, min: new Date('1970-01-01T00:00:00Z'), max: new Date('2999-01-01T00:00:00Z') })
        .map((d) => jsonString(d.toISOString()));
    case 'uuid':
      return fc.uuid().map(jsonString);
    case 'email':
      return fc.emailAddress().map(jsonString);
    case 'array':
      return fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }).map((v) => JSON.stringify(v));
    case 'object':
      return fc
        .dictionary(
          fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__'),
          fc.jsonValue({ maxDepth: 2 }),
          { maxKeys: 4 },
        )
        .map((v) => JSON.stringify(v));
    case 'any':
      return fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v));
  }
}

/** A value for a field of `spec`: valid, at a boundary, or hostile (wrong type, deep, huge, bad text). */
export function fieldValueText(spec: FieldSpec): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 24, arbitrary: validValueText(spec) },
    { weight: 1, arbitrary: edgeNumberText },
    { weight: 1, arbitrary: dateText.map(jsonString) },
    { weight: 2, arbitrary: jsonText },
  );
}

/** URL text for `s`: every character %-escaped, a lone surrogate as the UTF-8 it cannot be. */
export function urlText(s: string): string {
  let out = '';
  for (const ch of s) out += /[\ud800-\udfff]/.test(ch) ? '%ED%A0%80' : encodeURIComponent(ch);
  return out;
}

/** A path segment: given names, or hostile text, or raw (possibly broken) escapes. */
export function segment(known: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 12, arbitrary: known.length > 0 ? fc.constantFrom(...known).map(urlText) : fc.constant('x') },
    { weight: 2, arbitrary: anyText.filter((s) => s !== '').map(urlText) },
    { weight: 1, arbitrary: fc.constantFrom('%ZZ', '%', '%C3', '%ED%A0%80', '%00', '..', '%2F', 'a%2Fb', '*') },
  );
}

/** Query parameter text: integers at their boundaries, dates, booleans, hostile text. */
export const queryValue = fc.oneof(
  { weight: 3, arbitrary: edgeNumberText },
  { weight: 2, arbitrary: dateText },
  { weight: 1, arbitrary: fc.constantFrom('true', 'false', '1', '0', 'yes', '') },
  { weight: 2, arbitrary: anyText },
);
