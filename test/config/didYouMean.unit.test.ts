/**
 * did-you-mean's edit distance computes only a band around the diagonal when it has a bound
 * (issue 18: a 1 MB check asks for thousands of hints); within the bound it must be exact.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../src/config/didYouMean.js';

/** The whole Levenshtein table, case-insensitive. */
function reference(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[t.length]!;
}

describe('edit distance', () => {
  it('is exact within its bound and above the bound beyond it (property)', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', '_'), maxLength: 20 });
    fc.assert(
      fc.property(word, word, fc.constantFrom(0, 1, 2, 3, 5, Infinity), (a, b, bound) => {
        const exact = reference(a, b);
        const got = editDistance(a, b, bound);
        if (exact <= bound) expect(got).toBe(exact);
        else expect(got).toBeGreaterThan(bound);
      }),
      { numRuns: 3000, seed: 18 },
    );
  });

  it('finds the near spelling among many candidates', () => {
    expect(closest('aggregats', ['projections', 'aggregates', 'event_store'], 2)).toBe('aggregates');
    expect(closest('section_1', ['projections', 'aggregates', 'sagas'], 2)).toBeUndefined();
  });
});
