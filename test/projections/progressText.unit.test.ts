/** How `tusk-es rebuild` shows progress: the terminal bar, the plain line, the summary. */
import { describe, expect, it } from 'vitest';
import { progressBar, progressLine, resultLine } from '../../src/projections/rebuild/progressText.js';
import type { RebuildProgress } from '../../src/projections/rebuild/RebuildProgress.js';

const at = (done: number, etaMs: number | undefined): RebuildProgress => ({
  projection: 'users',
  done,
  total: 100_000,
  position: done,
  elapsedMs: 1000,
  eventsPerSecond: 41_234.6,
  etaMs,
  finished: false,
});

describe('rebuild progress text', () => {
  it('draws a bar with the count, the rate and the time left', () => {
    expect(progressBar(at(52_000, 1_200))).toBe('users [████████████░░░░░░░░░░░░]  52%  52,000/100,000 events  41,235 events/s  ETA 2s');
    expect(progressBar(at(0, undefined))).toBe('users [░░░░░░░░░░░░░░░░░░░░░░░░]   0%  0/100,000 events  41,235 events/s  ETA ?');
    expect(progressBar(at(1, 3_725_000))).toContain('ETA 1h02m');
    expect(progressBar(at(1, 95_000))).toContain('ETA 1m35s');
  });

  it('writes plain lines when stderr is not a terminal, and a summary', () => {
    expect(progressLine(at(52_000, 1_200))).toBe('users: 52000/100000 events (52%), 41235 events/s, ETA 2s');
    expect(resultLine({ projection: 'users', events: 100_000, position: 123_456, durationMs: 2_500, inDatabase: 0 })).toBe(
      'users: rebuilt from 100,000 events in 2.5s (40,000 events/s), at position 123456',
    );
  });
});
