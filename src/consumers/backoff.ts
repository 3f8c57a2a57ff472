/** The one exponential backoff of tusk-es: consumers, publisher retries and saga steps use it. */

/** How delays grow: from `initialMs`, times `multiplier` per retry, at most `maxMs`. */
export interface Backoff {
  initialMs: number;
  multiplier: number;
  maxMs: number;
}

/** Waits of a consumer whose store calls fail: 200 ms doubling up to 30 s. */
export const STORE_BACKOFF: Backoff = { initialMs: 200, multiplier: 2, maxMs: 30_000 };

/** The delay before retry number `retry` (1-based): initialMs × multiplier^(retry-1), at most maxMs. */
export function backoffDelay(backoff: Backoff, retry: number): number {
  const delay = backoff.initialMs * backoff.multiplier ** Math.max(0, retry - 1);
  return Math.round(Math.min(delay, backoff.maxMs));
}
