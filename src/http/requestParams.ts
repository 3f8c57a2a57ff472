/** Parsing of headers and query parameters; anything malformed is a 400 BAD_REQUEST. */
import { InvalidInputError } from '../errors.js';
import { parseIsoTimestamp } from '../util/isoTimestamp.js';

/** The largest stream version the store holds (a PostgreSQL integer). */
export const MAX_VERSION = 2_147_483_647;

function bad(message: string): InvalidInputError {
  return new InvalidInputError(message, undefined, 'BAD_REQUEST');
}

/** If-Match as an expected version: `3`, `"3"` or `W/"3"`; undefined when absent. */
export function parseIfMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const text = (Array.isArray(header) ? header.join(',') : header).trim();
  const m = /^(?:W\/)?"?(\d{1,15})"?$/.exec(text);
  if (m === null) throw bad(`If-Match must be a version number (3 or "3"), got ${JSON.stringify(text)}`);
  const version = Number(m[1]);
  if (version > MAX_VERSION) throw bad(`If-Match must be a version number of at most ${MAX_VERSION}`);
  return version;
}

/** A single header value (first when repeated), trimmed; undefined when absent or empty. */
export function headerValue(header: string | string[] | undefined): string | undefined {
  const v = Array.isArray(header) ? header[0] : header;
  const t = v?.trim();
  return t === undefined || t === '' ? undefined : t;
}

/** A non-negative integer query parameter (undefined when absent). */
export function intParam(value: unknown, name: string, options: { min?: number; max?: number } = {}): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) throw bad(`${name} must be a non-negative integer`);
  const n = Number(value);
  if (options.min !== undefined && n < options.min) throw bad(`${name} must be at least ${options.min}`);
  if (options.max !== undefined && n > options.max) throw bad(`${name} must be at most ${options.max}`);
  return n;
}

/** A strict ISO-8601 timestamp query parameter, years 0001-9999 (undefined when absent). */
export function timeParam(value: unknown, name: string): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const date = typeof value === 'string' ? parseIsoTimestamp(value) : undefined;
  if (date === undefined)
    throw bad(`${name} must be an ISO-8601 timestamp with a real date, years 0001-9999 (2024-02-29 or 2024-02-29T10:00:00Z)`);
  return date;
}

/** A boolean query parameter: true/false/1/0 (undefined when absent). */
export function boolParam(value: unknown, name: string): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw bad(`${name} must be true or false`);
}

/** A list query parameter: repeated (`type=A&type=B`) or comma-separated. */
export function listParam(value: unknown, name: string): string[] | undefined {
  if (value === undefined || value === '') return undefined;
  const items = (Array.isArray(value) ? value : [value]).flatMap((v) => {
    if (typeof v !== 'string') throw bad(`${name} must be a string`);
    return v.split(',');
  });
  const clean = items.map((s) => s.trim()).filter((s) => s !== '');
  return clean.length === 0 ? undefined : clean;
}
