/**
 * The direct reading (src/tsk/directParse.ts: tokens straight to AST, issue 18's speed) must
 * agree with the grammar's (grammar/parser.ts CST + src/tsk/visitor.ts) wherever it reads a
 * file at all, and must give up wherever the grammar finds an error or a stray token.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics.js';
import { lexTsk } from '../../grammar/lexer.js';
import { parseTokens } from '../../grammar/parser.js';
import { parseItemsDirect } from '../../src/tsk/directParse.js';
import { parseTsk } from '../../src/tsk/parse.js';
import { AstBuilder } from '../../src/tsk/visitor.js';
import { generateLargeTsk } from '../support/largeTsk.js';
import { anyText, mutatedSeed, seeds, tokenSoup, wellFormed } from './corpus.js';
import { ROOT, wellFormedRepoFiles } from './repoFiles.js';

/** Both readings of `text`: the grammar's (with its errors) and the direct one (undefined: gave up). */
function readings(text: string) {
  const lexed = lexTsk(text);
  const viaGrammar: Diagnostic[] = [];
  const parsed = parseTokens(lexed.tokens);
  const grammar = { items: new AstBuilder('f.tsk', viaGrammar).fileAst(parsed.cst).items, diagnostics: viaGrammar };
  const viaDirect: Diagnostic[] = [];
  const items = lexed.errors.length > 0 ? undefined : parseItemsDirect(lexed.tokens, new AstBuilder('f.tsk', viaDirect));
  return { grammar, clean: lexed.errors.length === 0 && parsed.errors.length === 0, direct: items && { items, diagnostics: viaDirect } };
}

/** Holds the direct reading to the grammar's: the same AST and findings, or it gave up. */
function agrees(text: string): boolean {
  // parseTsk refuses deep nesting before either reading (the grammar's would overflow the stack)
  if (parseTsk(text, 'f.tsk').diagnostics.some((d) => /^nested more than|operators in one value$/.test(d.message))) return false;
  const { grammar, clean, direct } = readings(text);
  if (direct === undefined) return false;
  expect(clean, 'the direct reading read what the grammar refuses').toBe(true);
  expect(direct).toEqual(grammar);
  return true;
}

describe('the direct reading of error-free .tsk', () => {
  it('gives the grammar’s AST for every form of the language, the seeds and the repo’s .tsk files', () => {
    const docs = [
      generateLargeTsk(200_000),
      ...seeds,
      ...fc.sample(wellFormed, { numRuns: 300, seed: 18 }),
      ...wellFormedRepoFiles().map((f) => readFileSync(join(ROOT, f), 'utf8')),
    ];
    let read = 0;
    for (const text of docs) if (agrees(text)) read++;
    // it gives up only on text the grammar reads with an error or a stray token
    expect(read).toBeGreaterThan(docs.length * 0.9);
  });

  it('gives up, or agrees, on mutated seeds and token soup (property)', () => {
    let read = 0;
    fc.assert(
      fc.property(fc.oneof(mutatedSeed, tokenSoup, anyText), (text) => {
        if (agrees(text)) read++;
      }),
      { numRuns: 800, seed: 18 },
    );
    expect(read).toBeGreaterThan(100);
  });

  it('gives up on what the grammar reports (strays, misplaced `- ` items, unclosed blocks)', () => {
    for (const text of ['a = 1 ]\n', 'a = { - x }\n', 'a:\n  b: 1\n  - c\n', 'a = {\n', '= 1\n', 'a = @env("x",)\n', 'a = [1, }\n']) {
      const { grammar, clean, direct } = readings(text);
      expect(direct, text).toBeUndefined();
      expect(!clean || grammar.diagnostics.some((d) => d.code === 'TSK_SYNTAX'), text).toBe(true);
    }
  });

  it('keeps the findings of literals (a range whose min is above its max) and its locations', () => {
    const text = 'x = 9-1\ny = "@env(\'A\', 2)"\n[s]\nz: a, b\n';
    expect(agrees(text)).toBe(true);
  });
});
