/**
 * Resource limits (README "Limits"): their defaults and the guards that enforce them. A guard
 * runs BEFORE the big thing exists (a string is measured before it is concatenated, a value is
 * measured with a budget that stops counting past the limit), so a hostile config or request
 * cannot allocate gigabytes or block the event loop on its way to the error.
 */
import type { LimitsConfig } from './config/schema/limits.js';
import { TuskError } from './errors.js';

/** The defaults of the `limits` block (sizes in bytes, lengths in UTF-16 code units). */
export const DEFAULT_LIMITS = {
  /** Bytes of one event's `data` as JSON. */
  event_data: 1024 ** 2,
  /** Bytes of an aggregate's state as JSON after a fold. */
  state: 4 * 1024 ** 2,
  /** Length of one string an expression produces (`+`, CONCAT). */
  string_length: 1_000_000,
} as const;

/** The limits the engine and the evaluator enforce (the `limits` block, in engine units). */
export interface Limits {
  eventData: number;
  state: number;
  stringLength: number;
}

/** The default limits, for code that runs without a config (tests, load-time evaluation). */
export const defaultLimits: Limits = {
  eventData: DEFAULT_LIMITS.event_data,
  state: DEFAULT_LIMITS.state,
  stringLength: DEFAULT_LIMITS.string_length,
};

/** The `limits` block of a model, in engine units. */
export function limitsOf(model: { limits: LimitsConfig }): Limits {
  return { eventData: model.limits.event_data, state: model.limits.state, stringLength: model.limits.string_length };
}

type LimitCode = 'EVENT_TOO_LARGE' | 'STATE_TOO_LARGE' | 'STRING_TOO_LONG';

/** A value passed one of the `limits` (413 or 422); details name the key and its maximum. */
export class LimitExceededError extends TuskError {
  constructor(code: LimitCode, message: string, key: string, max: number) {
    super(code, message, { details: { limit: `limits.${key}`, max } });
  }
}

/** Throws STRING_TOO_LONG when a string of `length` would pass `max` (call it before building the string). */
export function assertStringLength(length: number, max: number = DEFAULT_LIMITS.string_length): void {
  if (length > max) {
    throw new LimitExceededError(
      'STRING_TOO_LONG',
      `an expression would produce a string of ${length} characters, more than limits.string_length (${max})`,
      'string_length',
      max,
    );
  }
}

/** Throws EVENT_TOO_LARGE when the data of the event `type` is more than `max` bytes of JSON. */
export function assertEventData(type: string, data: unknown, max: number): void {
  if (!jsonSizeWithin(data, max)) {
    throw new LimitExceededError(
      'EVENT_TOO_LARGE',
      `the data of event ${type} is larger than limits.event_data (${max} bytes)`,
      'event_data',
      max,
    );
  }
}

/** Throws STATE_TOO_LARGE when the state of `aggregate` is more than `max` bytes of JSON. */
export function assertStateSize(aggregate: string, state: unknown, max: number): void {
  if (!jsonSizeWithin(state, max)) {
    throw new LimitExceededError(
      'STATE_TOO_LARGE',
      `the state of ${aggregate} would be larger than limits.state (${max} bytes)`,
      'state',
      max,
    );
  }
}

/**
 * True when `value` as JSON takes at most `max` bytes. Walks the value counting an upper
 * bound of its UTF-8 bytes (3 per UTF-16 code unit, so no string is encoded) and stops as soon
 * as the budget is spent: a value that shares one array a million times over (`APPEND(s, s)`
 * repeated) costs the walk `max`, not its expanded size. The bound is at most 3× the real size
 * for non-ASCII text and exact-ish for ASCII, which is what a limit needs.
 */
export function jsonSizeWithin(value: unknown, max: number): boolean {
  let budget = max;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') budget -= 2 + textBytes(v);
    else if (typeof v === 'number') budget -= String(v).length;
    else if (v === null || typeof v !== 'object')
      budget -= 5; // boolean, null (undefined is dropped)
    else if (Array.isArray(v)) {
      budget -= 2 + v.length;
      for (const item of v) stack.push(item);
    } else {
      // Object.keys, not entries: no [key, value] pair allocated per property (every command's data and state).
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        budget -= 4 + textBytes(k);
        stack.push(o[k]);
      }
      budget -= 2;
    }
    if (budget < 0) return false;
  }
  return true;
}

// An upper bound of the UTF-8 bytes of `s`: exact for ASCII, 3 per code unit otherwise.
// eslint-disable-next-line no-control-regex -- the range starts at NUL on purpose: everything outside ASCII
const NON_ASCII = /[^\x00-\x7f]/;
function textBytes(s: string): number {
  return NON_ASCII.test(s) ? 3 * s.length : s.length;
}
