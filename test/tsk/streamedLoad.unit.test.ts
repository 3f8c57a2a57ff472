/**
 * A large file without syntax errors is evaluated piece by piece as it is parsed (src/tsk/load.ts
 * `StreamedEvaluation`, issue 18 memory). The result must be the one of evaluating the whole
 * AST; at a syntax error late in the file, everything done for the pieces before is undone
 * (findings, secrets, included files) and the file is evaluated again whole.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Evaluator } from '../../src/tsk/evaluate.js';
import type { LoadContext } from '../../src/tsk/operators/context.js';
import { parseTsk } from '../../src/tsk/parse.js';
import { PathSourceMap } from '../../src/tsk/sourceMap.js';
import { generateLargeTsk } from '../support/largeTsk.js';
import { load, summarize } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tusk-streamed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The value, source map and findings of evaluating the whole AST at once (no pieces). */
function wholeEvaluation(text: string, file: string) {
  const parsed = parseTsk(text, file);
  expect(parsed.streamed).toBeUndefined();
  const context: LoadContext = {
    options: { mode: 'check', env: { SECRET: 's3cret' } },
    diagnostics: [],
    secrets: new Set(),
    includeStack: [],
    queryCount: 0,
    roots: [],
    include: () => undefined,
  };
  const sourceMap = new PathSourceMap();
  const value = new Evaluator(file, sourceMap, context).evaluateFile(parsed.ast!);
  return { value, sourceMap, diagnostics: context.diagnostics, secrets: context.secrets };
}

const extra = `dup = 1\ndup = 2\ntoken = @env.secure("SECRET")\nmissing = @env("NOT_SET")\n[tables]\nlist = [1, { a = 2 }]\n`;

describe('evaluating a large file piece by piece', () => {
  it('gives the value, locations and findings of evaluating its whole AST', async () => {
    const text = `${extra}${generateLargeTsk(200_000)}${extra.replace('[tables]', '[more]')}`;
    const file = join(dir, 'big.tsk');
    let pieces = 0;
    const streamed = parseTsk(text, file, { items: () => pieces++, restart: () => (pieces = -1) });
    expect(streamed.streamed).toBe(true);
    expect(pieces).toBeGreaterThan(10);
    const doc = await load(text, { env: { SECRET: 's3cret' } }, file);
    const whole = wholeEvaluation(text, file);
    expect(doc.value).toEqual(whole.value);
    expect(summarize(doc.diagnostics)).toEqual(summarize(whole.diagnostics));
    expect(summarize(doc.diagnostics).filter((d) => d.includes('TSK_DUPLICATE_KEY'))).toHaveLength(2);
    expect([...doc.secrets]).toEqual(['s3cret']);
    for (const path of [
      ['dup'],
      ['tables', 'list', 1, 'a'],
      ['section_99', 'aggregate_100', 'steps', 1, 'ratio'],
      ['section_101', 'port'],
      ['more', 'list', 1, 'a'],
    ]) {
      expect(doc.sourceMap.get(path), path.join('.')).toEqual(whole.sourceMap.get(path));
      expect(doc.sourceMap.get(path), path.join('.')).toBeDefined();
    }
    expect((doc.sourceMap as PathSourceMap).size).toBe(whole.sourceMap.size);
  });

  it('undoes the pieces already evaluated at a syntax error near the end: each finding once, included files read again', async () => {
    writeFileSync(join(dir, 'inc.tsk'), 'a = 1\na = 2\n');
    const text = `included = @file("inc.tsk")\n${extra}${generateLargeTsk(100_000)}\nbroken = {\n`;
    const doc = await load(text, { env: { SECRET: 's3cret' } }, join(dir, 'main.tsk'));
    const codes = doc.diagnostics.map((d) => `${d.location?.file.endsWith('inc.tsk') ? 'inc' : 'main'} ${d.code}`).sort();
    expect(codes).toEqual(['inc TSK_DUPLICATE_KEY', 'main TSK_DUPLICATE_KEY', 'main TSK_ENV_NOT_SET', 'main TSK_SYNTAX']);
    expect(doc.value.included).toEqual({ a: 1 });
    expect(doc.sourceMap.get(['included', 'a'])?.value).toMatchObject({ line: 1, column: 5 });
    expect([...doc.secrets]).toEqual(['s3cret']);
  });
});
