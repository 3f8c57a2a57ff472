/**
 * A large file is parsed piece by piece (grammar/parser.ts `parseInPieces`, for speed and
 * memory, issue 18); the AST must be exactly the one a parse of the whole file gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lexTsk } from '../../grammar/lexer.js';
import { parseInPieces, parseTokens } from '../../grammar/parser.js';
import { parseTsk } from '../../src/tsk/parse.js';
import { AstBuilder } from '../../src/tsk/visitor.js';
import { generateLargeTsk } from '../support/largeTsk.js';
import { seeds, wellFormed } from '../tsk/corpus.js';

function wholeAst(text: string): unknown {
  const cst = parseTokens(lexTsk(text).tokens).cst;
  return new AstBuilder('f.tsk', []).fileAst(cst);
}

function pieceCount(text: string): number {
  let n = 0;
  expect(parseInPieces(lexTsk(text).tokens, () => n++)).toBe(true);
  return n;
}

describe('parsing in pieces', () => {
  it('gives the AST of the whole parse on a large file of every syntax style', () => {
    const text = generateLargeTsk(300_000);
    expect(pieceCount(text)).toBeGreaterThan(5);
    const parsed = parseTsk(text, 'f.tsk');
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.ast).toEqual(wholeAst(text));
  });

  it('gives the AST of the whole parse on large files of every form (indented, dash, angle, sections)', () => {
    const docs = fc
      .sample(wellFormed, { numRuns: 400, seed: 18 })
      .filter((d) => !parseTsk(d, 'f.tsk').diagnostics.some((x) => x.code === 'TSK_SYNTAX'));
    const text = [...seeds, ...docs].map((d) => `${d.replace(/\r\n/g, '\n')}\n`).join('');
    expect(pieceCount(text)).toBeGreaterThan(3);
    const parsed = parseTsk(text, 'f.tsk');
    expect(parsed.diagnostics.filter((d) => d.code === 'TSK_SYNTAX')).toEqual([]);
    expect(parsed.ast).toEqual(wholeAst(text));
  });

  it('stops at a syntax error, so that the whole file is parsed with error recovery', () => {
    const text = `${generateLargeTsk(100_000)}\nbroken = {\n`;
    expect(parseInPieces(lexTsk(text).tokens, () => undefined)).toBe(false);
    expect(parseTsk(text, 'f.tsk').diagnostics.map((d) => d.code)).toEqual(['TSK_SYNTAX']);
  });
});
