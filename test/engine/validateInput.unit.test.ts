import { describe, expect, it } from 'vitest';
import { fieldSpec } from '../../src/config/schema/index.js';
import { compileInputSpec, validateInput } from '../../src/engine/validateInput.js';
import { InvalidInputError } from '../../src/errors.js';

const spec = (fields: Record<string, unknown>) =>
  compileInputSpec(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, fieldSpec.parse(v)])));

function problems(s: ReturnType<typeof spec>, input: unknown): { field: string; message: string }[] {
  try {
    validateInput(s, input);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).code).toBe('INVALID_INPUT');
    return (err as InvalidInputError).details as { field: string; message: string }[];
  }
  throw new Error('expected the input to be rejected');
}

describe('validateInput', () => {
  it('accepts every type and returns the validated value', () => {
    const s = spec({
      s: 'string',
      n: 'number',
      i: 'integer',
      b: 'boolean',
      a: 'array',
      o: 'object',
      t: 'timestamp',
      u: 'uuid',
      e: 'email',
      x: 'any',
    });
    const input = {
      s: 'x',
      n: 1.5,
      i: 3,
      b: false,
      a: [1],
      o: { k: 1 },
      t: '2024-05-01T10:00:00Z',
      u: '0190a0f3-1c2d-7e3f-8a4b-5c6d7e8f9a0b',
      e: 'a@b.io',
      x: { any: [1] },
    };
    expect(validateInput(s, input)).toEqual(input);
  });

  it('names every bad field in one error, including unknown ones', () => {
    const s = spec({ name: 'string', qty: 'integer', when: 'timestamp', id: 'uuid', mail: 'email', ok: 'boolean' });
    const found = problems(s, { name: 5, qty: 1.5, when: 'yesterday', id: 'nope', mail: 'x@', ok: 'yes', extra: 1 });
    expect(found.map((p) => p.field).sort()).toEqual(['extra', 'id', 'mail', 'name', 'ok', 'qty', 'when']);
    expect(found.find((p) => p.field === 'extra')!.message).toMatch(/not a declared input field/);
    expect(found.find((p) => p.field === 'qty')!.message).toMatch(/integer/);
  });

  it('requires non-optional fields and allows optional ones to be absent or null', () => {
    const s = spec({ need: 'string', maybe: 'string?', alsoMaybe: { type: 'number', optional: true } });
    expect(problems(s, {})).toEqual([{ field: 'need', message: 'is required' }]);
    expect(problems(s, { need: null })).toEqual([{ field: 'need', message: 'is required' }]);
    expect(validateInput(s, { need: 'x', maybe: null })).toEqual({ need: 'x', maybe: null });
  });

  it('fills defaults for absent fields', () => {
    const s = spec({ currency: { type: 'string', default: 'EUR' }, tags: { type: 'array', default: [] } });
    expect(validateInput(s, undefined)).toEqual({ currency: 'EUR', tags: [] });
    expect(validateInput(s, { currency: 'USD' })).toEqual({ currency: 'USD', tags: [] });
  });

  it('checks min/max on numbers and lengths, pattern and values', () => {
    const s = spec({
      qty: { type: 'integer', min: 1, max: 10 },
      code: { type: 'string', min: 2, max: 4, pattern: '^[A-Z]+$' },
      items: { type: 'array', max: 1 },
      tier: { type: 'string', values: ['gold', 'silver'] },
    });
    const found = problems(s, { qty: 0, code: 'abcde', items: [1, 2], tier: 'bronze' });
    expect(Object.fromEntries(found.map((p) => [p.field, p.message]))).toEqual({
      qty: 'must be at least 1',
      code: 'must have at most 4 characters',
      items: 'must have at most 1 items',
      tier: 'must be one of "gold", "silver"',
    });
    expect(problems(s, { qty: 11, code: 'ab1', items: [], tier: 'gold' }).map((p) => p.field)).toEqual(['qty', 'code']);
    expect(validateInput(s, { qty: 10, code: 'AB', items: [], tier: 'gold' })).toEqual({ qty: 10, code: 'AB', items: [], tier: 'gold' });
  });

  it('rejects a body that is not an object', () => {
    expect(problems(spec({}), [1, 2])[0]!.message).toMatch(/JSON object/);
    expect(problems(spec({}), 'text')[0]!.message).toMatch(/JSON object/);
  });

  it('rejects bad timestamps that look almost right', () => {
    const s = spec({ t: 'timestamp' });
    expect(problems(s, { t: '2024-13-45T99:00:00Z' })[0]!.field).toBe('t');
    expect(validateInput(s, { t: '2024-02-29' })).toEqual({ t: '2024-02-29' });
  });
});
