/**
 * A large file is lexed, laid out and parsed piece by piece (grammar/lexer.ts `lexInPieces`,
 * grammar/parser.ts `parsePiece`, for speed and memory, issue 18); the tokens and the AST must
 * be exactly the ones a pass over the whole file gives, wherever the chunks are cut.
 */
import type { IToken } from 'chevrotain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lexInPieces, lexTsk } from '../../grammar/lexer.js';
import { parsePiece, parseTokens } from '../../grammar/parser.js';
import { parseTsk } from '../../src/tsk/parse.js';
import { AstBuilder } from '../../src/tsk/visitor.js';
import { generateLargeTsk } from '../support/largeTsk.js';
import { seeds, wellFormed } from '../tsk/corpus.js';

function wholeAst(text: string): unknown {
  const cst = parseTokens(lexTsk(text).tokens).cst;
  return new AstBuilder('f.tsk', []).fileAst(cst);
}

/** What the parser sees of a token. */
const shape = (t: IToken) => [t.tokenType.name, t.image, t.startOffset, t.endOffset, t.startLine, t.endLine, t.startColumn, t.endColumn];

/** The pieces of `text` (small chunks and pieces, to cut it in many places), each parsed. */
function pieces(text: string, chunkChars: number, pieceTokens: number): IToken[][] {
  const out: IToken[][] = [];
  const notes = lexInPieces(
    text,
    (tokens) => {
      out.push(tokens);
      return parsePiece(tokens) !== undefined;
    },
    chunkChars,
    pieceTokens,
  );
  expect(notes).toBeDefined();
  return out;
}

function piecewiseAst(text: string, chunkChars: number, pieceTokens: number): unknown {
  const builder = new AstBuilder('f.tsk', []);
  const items = pieces(text, chunkChars, pieceTokens).flatMap((p) => builder.fileAst(parsePiece(p)!).items);
  return { kind: 'file', file: 'f.tsk', items };
}

/** Well-formed documents of every form (indented, dash, angle, sections) without syntax errors. */
function corpus(): string {
  const docs = fc
    .sample(wellFormed, { numRuns: 400, seed: 18 })
    .filter((d) => !parseTsk(d, 'f.tsk').diagnostics.some((x) => x.code === 'TSK_SYNTAX'));
  return [...seeds, ...docs].map((d) => `${d.replace(/\r\n/g, '\n')}\n`).join('');
}

describe('lexing and parsing in pieces', () => {
  it('gives the tokens and the AST of the whole pass on a large file of every syntax style', () => {
    const text = generateLargeTsk(300_000);
    const got = pieces(text, 4096, 512);
    expect(got.length).toBeGreaterThan(20);
    expect(got.flat().map(shape)).toEqual(lexTsk(text).tokens.map(shape));
    expect(piecewiseAst(text, 4096, 512)).toEqual(wholeAst(text));
    const parsed = parseTsk(text, 'f.tsk');
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.ast).toEqual(wholeAst(text));
  });

  it('gives the tokens and the AST of the whole pass on files of every form, cut anywhere', () => {
    const text = corpus();
    for (const [chunk, piece] of [
      [1, 1],
      [40, 16],
      [300, 64],
    ] as const) {
      const got = pieces(text, chunk, piece);
      expect(got.length).toBeGreaterThan(3);
      expect(got.flat().map(shape)).toEqual(lexTsk(text).tokens.map(shape));
      expect(piecewiseAst(text, chunk, piece)).toEqual(wholeAst(text));
    }
    const parsed = parseTsk(text, 'f.tsk');
    expect(parsed.diagnostics.filter((d) => d.code === 'TSK_SYNTAX')).toEqual([]);
    expect(parsed.ast).toEqual(wholeAst(text));
  });

  it('lexes a chunk again, longer, when a string or a comment runs past it', () => {
    const text = `a = 1\nb = """\n${'x\n'.repeat(50)}"""\nc = /* ${'y\n'.repeat(50)} */ 2\nd = "two\nlines"\n`;
    const got = pieces(text, 8, 1);
    expect(got.length).toBeGreaterThanOrEqual(2);
    expect(got.flat().map(shape)).toEqual(lexTsk(text).tokens.map(shape));
  });

  it('stops at a syntax error or an unterminated string, so that the whole file is read with error recovery', () => {
    const text = `${generateLargeTsk(100_000)}\nbroken = {\n`;
    expect(lexInPieces(text, (t) => parsePiece(t) !== undefined)).toBeUndefined();
    expect(parseTsk(text, 'f.tsk').diagnostics.map((d) => d.code)).toEqual(['TSK_SYNTAX']);
    const open = `a = 1\nb = "open\n${'c = 2\n'.repeat(100)}`;
    expect(lexInPieces(open, () => true, 8, 1)).toBeUndefined();
    expect(parseTsk(open, 'f.tsk').diagnostics.map((d) => [d.code, d.message, d.location?.line])).toEqual([
      ['TSK_SYNTAX', 'unterminated string', 2],
    ]);
  });
});
