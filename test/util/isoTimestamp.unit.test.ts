import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIso, parseIsoTimestamp } from '../../src/util/isoTimestamp.js';

describe('parseIsoTimestamp', () => {
  it('reads the ISO-8601 forms, a time without a zone as UTC', () => {
    expect(parseIsoTimestamp('2024-02-29')?.toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(parseIsoTimestamp('2024-02-29T10:11')?.toISOString()).toBe('2024-02-29T10:11:00.000Z');
    expect(parseIsoTimestamp('2024-02-29 10:11:12.5')?.toISOString()).toBe('2024-02-29T10:11:12.500Z');
    expect(parseIsoTimestamp('2024-02-29T10:11:12+02:00')?.toISOString()).toBe('2024-02-29T08:11:12.000Z');
    expect(parseIsoTimestamp('2024-02-29T10:11:12-0530')?.toISOString()).toBe('2024-02-29T15:41:12.000Z');
    expect(parseIsoTimestamp('0001-01-01')?.toISOString()).toBe('0001-01-01T00:00:00.000Z');
    expect(parseIsoTimestamp('0099-03-01')?.getUTCFullYear()).toBe(99);
  });

  it('refuses days the month does not have and years PostgreSQL does not read as written', () => {
    for (const text of [
      '2024-02-30',
      '2023-02-29',
      '1900-02-29',
      '2024-04-31',
      '2024-00-10',
      '2024-01-00',
      '0000-01-01',
      '0001-01-01T00:00+01:00',
      '2024-01-01T24:00',
      '2024-01-01T23:60',
      '2024-01-01T23:59:60',
      '+002024-01-01',
      '2024-1-1',
      '2024-01-01T10:00:00+16:00',
      '',
    ]) {
      expect(parseIsoTimestamp(text), text).toBeUndefined();
    }
  });

  it('agrees with Date on every real date-time', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0001-01-02T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true }), (d) => {
        expect(parseIsoTimestamp(d.toISOString())?.getTime()).toBe(d.getTime());
      }),
    );
  });
});

describe('formatIso', () => {
  it('prints what toISOString prints, for dates of one second and of others, of any year', () => {
    // Dates of one second in a row (the cached prefix), then arbitrary ones (each a new second).
    const base = Date.UTC(2026, 11, 6, 23, 59, 59);
    for (const ms of [0, 1, 9, 10, 99, 100, 999]) expect(formatIso(new Date(base + ms))).toBe(new Date(base + ms).toISOString());
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 - 1 }), (ms) => {
        const date = new Date(ms);
        expect(formatIso(date)).toBe(date.toISOString());
        expect(formatIso(new Date(ms + 1))).toBe(new Date(ms + 1).toISOString());
      }),
      { numRuns: 2000 },
    );
    // Years outside 0000-9999 print with six digits and are not cached: the next date of that second still is right.
    const far = new Date(Date.UTC(10000, 0, 1, 0, 0, 0, 5));
    expect(formatIso(far)).toBe('+010000-01-01T00:00:00.005Z');
    expect(formatIso(new Date(far.getTime() + 1))).toBe('+010000-01-01T00:00:00.006Z');
  });

  it('throws a RangeError for an invalid date, as toISOString does', () => {
    expect(() => formatIso(new Date(Number.NaN))).toThrow(RangeError);
  });
});
