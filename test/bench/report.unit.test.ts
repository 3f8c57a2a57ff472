/**
 * The bench's median: of an odd count the middle sample, of an even count the mean of the two
 * middle ones (the tracing group's 6 pairs took the upper of the two before, a bias towards
 * the larger value). The printed line keeps its format.
 */
import { describe, expect, it } from 'vitest';
import { measure, summarise } from '../../bench/harness.js';
import { Report } from '../../bench/Report.js';

/** A measure that returns `values` one after the other. */
function sequence(...values: number[]): () => Promise<number> {
  let i = 0;
  return () => Promise.resolve(values[i++]!);
}

describe('bench median', () => {
  it('is the middle sample of an odd count and the mean of the middle two of an even count', () => {
    expect(summarise([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 });
    expect(summarise([40, 10, 30, 20])).toEqual({ median: 25, min: 10, max: 40 });
    expect(summarise([7])).toEqual({ median: 7, min: 7, max: 7 });
  });

  it('is what a recorded figure, a measure and a paired comparison report, in the same printed line', async () => {
    const lines: string[] = [];
    const report = new Report((line) => lines.push(line));
    const recorded = report.record({ id: 'recorded', title: 'four samples', unit: 'ms' }, [40, 10, 30, 20]);
    expect(recorded.median).toBe(25);
    expect(lines[0]).toBe(`${'recorded'.padEnd(22)} ${'25.0'.padStart(10)} ${'ms'.padEnd(10)} (min 10.0, max 40.0)   four samples`);
    expect((await measure(sequence(1, 2, 4, 6, 100), 4, 1)).median).toBe(5);
    // pairs alternate which side runs first; the figure's samples and the other's are each 1-4 and 10-40
    const compared = await report.compare(
      { id: 'paired', title: 'pairs', unit: 'ms' },
      sequence(1, 2, 3, 4),
      { id: 'other', fn: sequence(10, 20, 30, 40) },
      4,
      0,
    );
    expect(compared).toMatchObject({ median: 2.5, baselineMedian: 25, ratio: 0.1 });
    expect(lines[1]).toContain('2.50');
    expect(lines[1]).toContain('other 25.0  ratio 0.10×');
  });
});
