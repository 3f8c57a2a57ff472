/** Exponential backoff of a saga's `retry_policy` (the consumers' one backoff). */
import { backoffDelay } from '../consumers/backoff.js';
import type { RetryPolicy } from './compileSaga.js';

/**
 * The delay before the attempt after failed attempt `attempt` (1-based): `initial_delay`
 * times `backoff_multiplier` per earlier retry, at most `max_delay`; undefined when the
 * policy's `max_retries` are used up.
 */
export function retryDelay(policy: RetryPolicy, attempt: number): number | undefined {
  if (attempt > policy.maxRetries) return undefined;
  return backoffDelay({ initialMs: policy.initialDelayMs, multiplier: policy.multiplier, maxMs: policy.maxDelayMs }, attempt);
}
