/**
 * Strict ISO-8601 timestamps: `2024-02-29`, `2024-02-29T10:00`, `…T10:00:00.123Z`,
 * `…+02:00`. Unlike Date.parse, a day the month does not have (`2024-02-30`) is refused rather
 * than rolled into March, and only years 0001-9999 pass, which PostgreSQL's timestamptz takes
 * as written. A time without a zone is UTC.
 */
const FORM = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** The instant `text` names, or undefined when it is not a strict ISO-8601 timestamp. */
export function parseIsoTimestamp(text: string): Date | undefined {
  const m = FORM.exec(text);
  if (m === null) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const offset = zoneMinutes(m[8]);
  if (offset === undefined) return undefined;
  const ms = Math.floor(Number(`0.${m[7] ?? '0'}`) * 1000);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute - offset, second, ms);
  const utcYear = date.getUTCFullYear();
  return utcYear >= 1 && utcYear <= 9999 ? date : undefined;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Minutes east of UTC for `Z`, `+02`, `+0530`, `-05:00`; undefined for an impossible zone. */
function zoneMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  if (hours > 15 || minutes > 59) return undefined;
  return (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

/** The second whose ISO text up to the milliseconds ("2024-02-29T10:00:00.") formatIso last made. */
let cachedSecond = Number.NaN;
let cachedPrefix = '';

/**
 * `date.toISOString()`, cheaper: V8 formats every date in full (about a microsecond), and a
 * command formats its timestamp for the store and again for its answer. Dates of one second
 * share their text up to the milliseconds, so only those are formatted after the first
 * (server CPU per command, bench/README.md `http_64`). Same text, same RangeError for an invalid date.
 */
export function formatIso(date: Date): string {
  const ms = date.getTime();
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    const text = date.toISOString();
    // Years outside 0000-9999 print as ±YYYYYY: their text is not cached.
    if (text.length !== 24) return text;
    cachedSecond = second;
    cachedPrefix = text.slice(0, 20);
  }
  const milli = ms - second * 1000;
  return cachedPrefix + (milli < 10 ? '00' : milli < 100 ? '0' : '') + milli + 'Z';
}
