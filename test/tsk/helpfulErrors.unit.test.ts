/**
 * Errors that help (issue 18): one located error per fault, no cascades (resynchronised at the
 * next line of the same indent), at most 20 per file, and refused operators name the nearest
 * supported alternative.
 */
import { describe, expect, it } from 'vitest';
import { MAX_ERRORS_PER_FILE } from '../../src/tsk/load.js';
import { load, summarize } from './helpers.js';

/** Code pasted into a config: each function is one fault, its body is not. */
const CODE = `function add(a, b) {
  const sum = a + b;
  if (sum > 10) {
    console.log("big", sum);
  }
  return sum;
}
name = "ok"
function mul(a, b) {
  return a * b;
}
`;

describe('errors that help', () => {
  it('one error per broken statement: the lines indented under it are not reported again', async () => {
    const doc = await load(CODE);
    expect(summarize(doc.diagnostics)).toEqual([
      "1:10 error TSK_SYNTAX unexpected 'add' in entry",
      "9:10 error TSK_SYNTAX unexpected 'mul' in entry",
    ]);
    expect(doc.value).toMatchObject({ name: 'ok' });
  });

  it('a fault on its own line after a broken block is still reported (resynchronised at the same indent)', async () => {
    const doc = await load('a = {\n  b = = 1\n  c = 2\n  d = ) \n}\ne = @@\n');
    expect(summarize(doc.diagnostics).map((l) => l.split(' ')[0])).toEqual(['2:7', '4:7', '6:4']);
  });

  it(`stops after ${MAX_ERRORS_PER_FILE} errors per file with "… and N more"`, async () => {
    const text = Array.from({ length: 50 }, (_, i) => `k${i} = = ${i}`).join('\n');
    const doc = await load(text);
    expect(doc.diagnostics).toHaveLength(MAX_ERRORS_PER_FILE + 1);
    expect(summarize(doc.diagnostics).at(-1)).toBe(
      '21:7 error TSK_SYNTAX … and 30 more errors in this file (the first 20 are shown; fix those first)',
    );
  });

  it('refused operators keep their error and name the nearest supported alternative', async () => {
    const doc = await load('a = @cache("5m", 1)\nb = @request.get("x")\nc = php(phpversion())\nd = @enve("HOME")\ne = @optimize(1)\n');
    expect(summarize(doc.diagnostics)).toEqual([
      '1:5 error TSK_UNSUPPORTED_OPERATOR unsupported operator @cache (supported: @env, @env.secure, @query, @file, @date); tusk-es caches aggregate state itself (the `cache` block); write the value without @cache',
      '2:5 error TSK_UNSUPPORTED_OPERATOR unsupported operator @request.get (supported: @env, @env.secure, @query, @file, @date); request data reaches commands as `input.*` in their expressions',
      '3:5 error TSK_UNSUPPORTED_OPERATOR unsupported function php(…) (supported: @env, @env.secure, @query, @file, @date); tusk-es runs no PHP; use a load-time expression ($a + 1, a ? b : c) or @env("NAME", default)',
      '4:5 error TSK_UNSUPPORTED_OPERATOR unsupported operator @enve (supported: @env, @env.secure, @query, @file, @date); did you mean @env?',
      '5:5 error TSK_UNSUPPORTED_OPERATOR unsupported operator @optimize (supported: @env, @env.secure, @query, @file, @date); there is no load-time tuning; write the value, or read it with @env("NAME", default)',
    ]);
  });

  it('`x = <` and `x = ‹` give one syntax error, not a spurious comparison at 1:1', async () => {
    for (const text of ['x = <\n', 'x = ‹\n']) {
      const doc = await load(text);
      expect(doc.diagnostics).toHaveLength(1);
      expect(doc.diagnostics[0]).toMatchObject({ code: 'TSK_SYNTAX', location: { line: 1 } });
      expect(doc.diagnostics[0]!.location!.column).toBeGreaterThan(1);
    }
  });
});
