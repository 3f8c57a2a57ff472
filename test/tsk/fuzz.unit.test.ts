import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics.js';
import { loadTskText, parseTsk } from '../../src/tsk/index.js';
import { generateLargeTsk } from '../support/largeTsk.js';

const dir = join(import.meta.dirname, '../fixtures/seeds');
const seeds = readdirSync(dir).filter((f) => f.endsWith('.tsk')).map((f) => readFileSync(join(dir, f), 'utf8'));

// A hang detector, not a performance assertion: a single parse of a small input taking this
// long means the lexer or the recovery loops.
const HANG_MS = 2000;

const pieces = ['{', '}', '[', ']', '(', ')', '"', "'", '"""', '=', ':', ',', ';', '\n', '#', '//', '@env(', '@go(', '$x', '>', '<', '?', '+', '==', 'key', ' ', '\\', '-1', '1.5'];

/** A seed with random edits: delete, insert, or duplicate a span of characters. */
const mutatedSeed = fc
  .record({
    seed: fc.constantFrom(...seeds),
    edits: fc.array(fc.record({ at: fc.nat(), len: fc.nat({ max: 12 }), kind: fc.constantFrom('delete', 'insert', 'duplicate'), piece: fc.constantFrom(...pieces) }), { minLength: 1, maxLength: 6 }),
  })
  .map(({ seed, edits }) => {
    let text = seed;
    for (const e of edits) {
      const at = e.at % (text.length + 1);
      if (e.kind === 'delete') text = text.slice(0, at) + text.slice(at + e.len);
      else if (e.kind === 'insert') text = text.slice(0, at) + e.piece + text.slice(at);
      else text = text.slice(0, at) + text.slice(at, at + e.len) + text.slice(at);
    }
    return text;
  });

const tokenSoup = fc.array(fc.constantFrom(...pieces), { maxLength: 80 }).map((a) => a.join(''));
// deep nesting, to catch stack overflows in the recursive parser and evaluator
const deepNesting = fc.record({ n: fc.nat({ max: 3000 }), open: fc.constantFrom('[', '{ a = ', '(', '1 ? ', '1 + ', '@env(') }).map(({ n, open }) => `x = ${open.repeat(n)}`);
const anyText = fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }), tokenSoup, mutatedSeed, deepNesting);

function assertLocated(diags: readonly Diagnostic[]): void {
  for (const d of diags) {
    expect(d.location, d.message).toBeDefined();
    expect(d.location!.line).toBeGreaterThanOrEqual(1);
    expect(d.location!.column).toBeGreaterThanOrEqual(1);
    expect(Number.isInteger(d.location!.line) && Number.isInteger(d.location!.column)).toBe(true);
    expect(d.message).not.toMatch(/\n/);
  }
}

describe('parser robustness (property)', () => {
  it('parseTsk never throws nor hangs, and every diagnostic is located', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const started = performance.now();
        const { diagnostics } = parseTsk(text, 'fuzz.tsk');
        expect(performance.now() - started).toBeLessThan(HANG_MS);
        assertLocated(diagnostics);
        expect(diagnostics.some((d) => /internal/.test(d.message))).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('loadTskText never throws nor hangs, and every diagnostic is located', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, async (text) => {
        const started = performance.now();
        const doc = await loadTskText(text, 'fuzz.tsk', { mode: 'check', env: {} });
        expect(performance.now() - started).toBeLessThan(HANG_MS);
        assertLocated(doc.diagnostics);
        expect(doc.diagnostics.some((d) => /internal/.test(d.message))).toBe(false);
        expect(() => JSON.stringify(doc.value)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('a generated 1 MB file loads with no diagnostic', async () => {
    const text = generateLargeTsk(1_000_000);
    expect(text.length).toBeGreaterThanOrEqual(1_000_000);
    const doc = await loadTskText(text, 'large.tsk', { mode: 'check', env: {} });
    expect(doc.diagnostics).toEqual([]);
    expect(doc.value.section_1).toMatchObject({ host: 'localhost', port: 1001, mode: 'production', limit: 'small' });
    expect(doc.value.aggregate_0).toMatchObject({ region: 'eu-0', url: 'postgres://localhost/db0' });
  });
});
