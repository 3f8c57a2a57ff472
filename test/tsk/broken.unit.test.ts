import { describe, expect, it } from 'vitest';
import { load, summarize } from './helpers.js';

describe('a broken file', () => {
  it('gives one located diagnostic per fault, all in one run', async () => {
    const text = [
      'app = {', //               1
      '    name = "shop"', //     2
      '    name = "again"', //    3  duplicate key
      '    runner = @go("x")', // 4  unknown operator
      '    title = "never closed', // 5  unterminated string
      '    db = {', //            6  never closed (nor is app)
      '        host = "localhost"', // 7
    ].join('\n');
    const doc = await load(text);
    expect(summarize(doc.diagnostics)).toEqual([
      '3:5 error TSK_DUPLICATE_KEY duplicate key name',
      '4:14 error TSK_UNSUPPORTED_OPERATOR unsupported operator @go (supported: @env, @env.secure, @query, @file, @date)',
      '5:13 error TSK_SYNTAX unterminated string',
      "7:27 error TSK_SYNTAX expected '}' but found end of file",
    ]);
    const eof = doc.diagnostics.find((d) => d.message.includes('end of file'));
    expect(eof?.related?.[0]).toMatchObject({ location: { line: 6, column: 10 } });
    // the parts that could be read are still there
    expect(doc.value).toMatchObject({ app: { name: 'shop', runner: null, db: { host: 'localhost' } } });
  });

  it('recovers after stray tokens and reports each', async () => {
    const doc = await load('a = 1\n}\nb = = 2\nc = 3\n] x\nd = [1, 2\ne = 4\n');
    expect(summarize(doc.diagnostics)).toEqual([
      "2:1 error TSK_SYNTAX unexpected '}'",
      "3:5 error TSK_SYNTAX unexpected '=' in a value",
      "5:1 error TSK_SYNTAX unexpected ']'",
      "7:3 error TSK_SYNTAX expected ']' but found '='",
    ]);
    expect(doc.value).toEqual({ a: 1, b: null, c: 3, d: [1, 2, 'e'] });
  });

  it('reports characters the language does not use', async () => {
    const doc = await load('a = 1 ^ 2\nb = 2\n');
    expect(summarize(doc.diagnostics)).toEqual(["1:7 error TSK_SYNTAX unexpected character '^'"]);
    expect(doc.value).toMatchObject({ b: 2 });
  });

  it('refuses absurd nesting and operator chains with a located error instead of overflowing the stack', async () => {
    for (const text of [
      'a = ' + '['.repeat(5000),
      'a = ' + '{ b = '.repeat(5000),
      'a = ' + '1 + '.repeat(5000) + '1',
      'a = ' + '1 ? '.repeat(5000) + '1',
    ]) {
      const doc = await load(text);
      expect(doc.diagnostics).toHaveLength(1);
      expect(doc.diagnostics[0]).toMatchObject({ code: 'TSK_SYNTAX', location: { line: 1 } });
      expect(doc.diagnostics[0]?.message).toMatch(/^(nested more than 100 levels deep|more than 500 operators in one value)$/);
    }
  });
});
