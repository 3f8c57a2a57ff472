/**
 * The built-in transforms that map one field value to another (SPEC §6). They never throw:
 * a value that cannot be converted becomes null (the stored event keeps the original, and
 * `?raw=true` shows it), and anything of another type passes through unchanged.
 */

/** A value → value transform. */
export type ValueTransform = (value: unknown) => unknown;

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const TRUE_WORDS = new Set(['true', 'yes', 'y', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'n', 'off', '0', '']);
// Date-only, or date and time with an optional zone; a space may stand for the T (SQL, PHP).
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
// Below this a number is taken as Unix seconds, above as milliseconds (1e11 s is the year 5138).
const SECONDS_LIMIT = 1e11;

/** Lower-cases strings. */
export const toLower: ValueTransform = (v) => (typeof v === 'string' ? v.toLowerCase() : v);

/** Upper-cases strings. */
export const toUpper: ValueTransform = (v) => (typeof v === 'string' ? v.toUpperCase() : v);

/** Trims whitespace off strings. */
export const trim: ValueTransform = (v) => (typeof v === 'string' ? v.trim() : v);

/** Numbers stay; decimal strings and booleans become numbers; anything else null. */
export const toNumber: ValueTransform = (v) => {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v !== 'string') return null;
  const text = v.trim();
  if (!DECIMAL.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
};

/** Strings stay; numbers and booleans print; arrays and objects become their JSON text. */
export const toString: ValueTransform = (v) => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
};

/** Booleans stay; "yes"/"no"-like words and numbers become booleans; anything else null. */
export const toBoolean: ValueTransform = (v) => {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isNaN(v) ? null : v !== 0;
  if (typeof v !== 'string') return null;
  const word = v.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  return FALSE_WORDS.has(word) ? false : null;
};

/** Arrays stay; null becomes []; any other value becomes a one-item array. */
export const toArray: ValueTransform = (v) => (Array.isArray(v) ? (v as unknown[]) : v === null || v === undefined ? [] : [v]);

/**
 * ISO-8601 text in UTC. Strings without a zone are read as UTC (never as the server's
 * local time, so every server upcasts alike); numbers are Unix seconds or milliseconds.
 */
export const toTimestamp: ValueTransform = (v) => {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return null;
    return isoOrNull(new Date(Math.abs(v) < SECONDS_LIMIT ? v * 1000 : v));
  }
  if (typeof v !== 'string') return null;
  const m = TIMESTAMP.exec(v.trim());
  if (!m) return null;
  const [, date, time = '00:00:00', zone = 'Z'] = m;
  const offset =
    zone.toUpperCase() === 'Z'
      ? 'Z'
      : zone.length === 3
        ? `${zone}:00`
        : zone.includes(':')
          ? zone
          : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  if (!dateExists(date!)) return null;
  return isoOrNull(new Date(`${date}T${time.length === 5 ? `${time}:00` : time}${offset}`));
};

// Date accepts 2024-02-31 and rolls it over to March: a day that does not exist is no timestamp.
function dateExists(date: string): boolean {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

function isoOrNull(d: Date): string | null {
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
