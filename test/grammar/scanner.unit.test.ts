/**
 * The hand-written scanner (grammar/scanner.ts, issue 18's speed) must give exactly the tokens
 * of Chevrotain's lexer (`tskLexer`, the reference) wherever it reads a text at all, and must
 * give up wherever the lexer finds an error.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IToken } from 'chevrotain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tskLexer } from '../../grammar/lexer.js';
import { scanTsk } from '../../grammar/scanner.js';
import { generateLargeTsk } from '../support/largeTsk.js';
import { anyText, mutatedSeed, seeds, tokenSoup, wellFormed } from '../tsk/corpus.js';
import { ROOT, wellFormedRepoFiles } from '../tsk/repoFiles.js';

/** Every field of a token (the parser, the layout pass and the AST's locations read them all). */
const shape = (t: IToken) => [
  t.tokenType.name,
  t.tokenTypeIdx,
  t.image,
  t.startOffset,
  t.endOffset,
  t.startLine,
  t.endLine,
  t.startColumn,
  t.endColumn,
];

/** True when the scanner read `text`, holding it to the lexer's tokens; false when it gave up. */
function agrees(text: string): boolean {
  const scanned = scanTsk(text);
  if (scanned === undefined) return false;
  const lexed = tskLexer().tokenize(text);
  expect(lexed.errors, 'the scanner read what the lexer refuses').toEqual([]);
  expect(scanned.map(shape)).toEqual(lexed.tokens.map(shape));
  return true;
}

/** The texts of the .tsk conformance cases: template literals of the tests under test/tsk and test/grammar. */
function conformanceTexts(): string[] {
  const out: string[] = [];
  for (const dir of ['test/tsk', 'test/grammar', 'test/config']) {
    for (const f of readdirSync(join(ROOT, dir)).filter((n) => n.endsWith('.ts'))) {
      const source = readFileSync(join(ROOT, dir, f), 'utf8');
      out.push(source); // TypeScript is a fine stress test: read exactly, or given up on
      for (const m of source.matchAll(/`((?:[^`\\$]|\\[\s\S]|\$(?!\{))*)`/g)) out.push(m[1]!.replace(/\\n/g, '\n'));
    }
  }
  return out;
}

describe('the hand-written scanner', () => {
  it('reads the benchmark file, the seeds and the repo’s .tsk files, token for token as the lexer', () => {
    expect(agrees(generateLargeTsk(300_000))).toBe(true);
    const files = wellFormedRepoFiles().map((f) => readFileSync(join(ROOT, f), 'utf8'));
    let read = 0;
    for (const text of [...seeds, ...files]) if (agrees(text)) read++;
    // it gives up only on unusual text (Unicode outside strings, `\r`): most files are read
    expect(read).toBeGreaterThan((seeds.length + files.length) * 0.6);
  });

  it('agrees with the lexer on the conformance material under test/', () => {
    const texts = conformanceTexts();
    let read = 0;
    for (const text of texts) if (agrees(text)) read++;
    expect(texts.length).toBeGreaterThan(150);
    expect(read).toBeGreaterThan(texts.length * 0.3);
  });

  it('agrees or gives up on well-formed, mutated and random text (property)', () => {
    let read = 0;
    fc.assert(
      fc.property(fc.oneof(wellFormed, mutatedSeed, tokenSoup, anyText, fc.string({ unit: 'grapheme-ascii', maxLength: 120 })), (text) => {
        if (agrees(text)) read++;
      }),
      { numRuns: 3000, seed: 18 },
    );
    expect(read).toBeGreaterThan(600);
  });

  it('agrees on the edges of each pattern (numbers, words, keywords, variables, operators, strings, comments)', () => {
    const edges = [
      'a = 1.5e3\nb = 1.5.3\nc = 30d\nd = -4\ne = 1e\nf = 2E+7 g = 1.\nh = -1.2.3\ni = 1_000\nj = 1-2\nk = 1e-3x\n',
      'x = true\ny = trueish\nz = null-ish\nw = false.x\nv = nullnull\nu = _a.b-c\n',
      'a = $x.y.z\nb = $x[0][12].k\nd = $x[\ne = $x[1\nf = $x[a]\n',
      'a = @env.HOST || @x.y(1)\nc = @a1_b.c2\n',
      'a = x == y != z <= w >= v < u > t\nb = !c && d || e ? f : g\nc = 1 + 2 - 3 * 4 / 5 % 6; d = (7)\n',
      `a = "esc \\" q"\nb = 'it\\'s'\nc = """multi\nline"""\nd = '''x\ny'''\ne = "two\nlines"\nf = ""\ng = ''\n`,
      'a = 1 # c\nb = 2 // c\nc /* x\ny */ = 3\nd = 4 /**/\ne = 5 //* not a block\n',
      '[s]\n[[t]]\nk: v\n- item\n  - key: v\n',
      'a = "Zürich" # Zürich\nb = /* città */ 1\n',
    ];
    for (const text of edges) expect(agrees(text), text).toBe(true);
    // errors, and text the lexer reads its own way (Unicode names, `\r`, a BOM, `\f`): the lexer reads them
    const unsure = ['"open\n', "a = '''open\n", 'a = /* open\n', 'a = x & y\n', 'a = x | y\n', 'a = ~\n', 'a = @ x\n', 'a = $\n'];
    unsure.push(
      'c = $x.\n',
      'b = @a.\n',
      'a = Zürich\n',
      'città = 1\n',
      'a = 1\r\nb = 2\r\n',
      '\ufeffa = 1\n',
      'a\f= 1\n',
      'a = "x\n"word\n',
    );
    for (const text of unsure) expect(scanTsk(text), text).toBeUndefined();
  });
});
