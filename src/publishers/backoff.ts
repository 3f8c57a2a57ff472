/** Exponential backoff of a `retry_policy` (durations already in ms). */
import type { z } from 'zod';
import type { retryPolicy } from '../config/schema/primitives.js';

/** A parsed retry_policy. */
export type RetryPolicy = z.infer<typeof retryPolicy>;

/** Delay before retry number `retry` (1-based): initial_delay × backoff_multiplier^(retry-1), at most max_delay. */
export function backoffDelay(policy: RetryPolicy, retry: number): number {
  const delay = policy.initial_delay * policy.backoff_multiplier ** Math.max(0, retry - 1);
  return Math.round(Math.min(delay, policy.max_delay));
}
