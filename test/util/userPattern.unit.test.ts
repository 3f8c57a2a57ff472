import { describe, expect, it } from 'vitest';
import { compileInputSpec, validateInput } from '../../src/engine/validateInput.js';
import { compileUserPattern, patternProblem } from '../../src/util/userPattern.js';
import { diagnosticsOf, modelOf } from '../config/helpers.js';

describe('user patterns run in linear time (issue 13 fault 3)', () => {
  it('answers ^(a+)+$ on a 100k-character hostile value (a backtracking engine never would)', () => {
    const p = compileUserPattern('^(a+)+$');
    expect(p.test(`${'a'.repeat(100_000)}!`)).toBe(false);
    expect(p.test('a'.repeat(33))).toBe(true);
  });

  it('validates an input field with such a pattern: the hostile value is a 400, a good one passes', () => {
    const spec = compileInputSpec({ name: { type: 'string', optional: false, pattern: '^(a+)+$' } });
    expect(() => validateInput(spec, { name: `${'a'.repeat(100_000)}!` })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(validateInput(spec, { name: 'aaa' })).toEqual({ name: 'aaa' });
  });

  it('keeps JavaScript meanings: unanchored search, \\u escapes, classes, Unicode', () => {
    expect(compileUserPattern('b').test('abc')).toBe(true);
    expect(compileUserPattern('^[A-Z0-9-]+$').test('SKU-1')).toBe(true);
    expect(compileUserPattern('^[A-Z0-9-]+$').test('sku-1')).toBe(false);
    expect(compileUserPattern('^caf[\\u00e9e]$').test('café')).toBe(true);
    expect(compileUserPattern('^\\d{3}-\\d{4}$').test('555-1234')).toBe(true);
    expect(compileUserPattern('^.$').test('😀')).toBe(true);
  });

  it('names backreferences and lookaround as unsupported, and a malformed pattern as invalid', () => {
    expect(patternProblem('(a)\\1')).toMatch(/cannot run in linear time/);
    expect(patternProblem('^(?=a)a$')).toMatch(/cannot run in linear time.*without backreferences or lookaround/);
    expect(patternProblem('(?<!x)y')).toMatch(/cannot run in linear time/);
    expect(patternProblem('[a-')).toMatch(/^invalid regular expression/);
    expect(patternProblem('^(a+)+$')).toBeUndefined();
  });
});

describe('check on patterns', () => {
  const app = (pattern: string) =>
    [
      'aggregates = {',
      '  user = {',
      '    state = { name = null }',
      '    commands = {',
      '      Register = {',
      '        creates = true',
      `        input = { name = { type = "string", pattern = ${JSON.stringify(pattern)} } }`,
      '        emits = "Registered"',
      '      }',
      '    }',
      '  }',
      '}',
    ].join('\n');

  it('gives one located diagnostic for a pattern RE2 cannot run', async () => {
    const diags = await diagnosticsOf(app('^(?!admin).*$'));
    expect(diags).toHaveLength(1);
    expect(diags[0]).toMatch(
      /^7:\d+ error CONFIG_INVALID aggregates\.user\.commands\.Register\.input\.name\.pattern: .*cannot run in linear time/,
    );
  });

  it('gives one located diagnostic for a malformed pattern, in an event schema too', async () => {
    const diags = await diagnosticsOf('events = {\n  Registered = {\n    schema = { name = { type = "string", pattern = "(" } }\n  }\n}');
    expect(diags).toHaveLength(1);
    expect(diags[0]).toMatch(/^3:\d+ error CONFIG_INVALID events\.Registered\.schema\.name\.pattern: invalid regular expression/);
  });

  it('accepts a super-linear pattern for JavaScript, since RE2 runs it in linear time', async () => {
    const { diagnostics, model } = await modelOf(app('^(a+)+$'));
    expect(diagnostics).toEqual([]);
    expect(model.aggregates.user!.commands.Register!.input.name!.pattern).toBe('^(a+)+$');
  });
});
