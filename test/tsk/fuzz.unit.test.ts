import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics.js';
import { loadTskText, parseTsk } from '../../src/tsk/index.js';
import { generateLargeTsk } from '../support/largeTsk.js';
import { anyText } from './corpus.js';

// A hang detector, not a performance assertion: a single parse of a small input taking this
// long means the lexer or the recovery loops.
const HANG_MS = 2000;

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
