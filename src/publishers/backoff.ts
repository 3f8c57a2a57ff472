/** A publisher's `retry_policy` (durations already in ms), as the consumers' one backoff. */
import type { z } from 'zod';
import type { retryPolicy } from '../config/schema/primitives.js';
import { backoffDelay, type Backoff } from '../consumers/backoff.js';

/** A parsed retry_policy. */
export type RetryPolicy = z.infer<typeof retryPolicy>;

/** The backoff of `policy`. */
export function policyBackoff(policy: RetryPolicy): Backoff {
  return { initialMs: policy.initial_delay, multiplier: policy.backoff_multiplier, maxMs: policy.max_delay };
}

/** Delay before retry number `retry` (1-based) under `policy`. */
export function retryDelayOf(policy: RetryPolicy, retry: number): number {
  return backoffDelay(policyBackoff(policy), retry);
}
