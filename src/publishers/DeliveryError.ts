/** Why a delivery stopped, and where (PUBLISH_FAILED). */
import { TuskError } from '../errors.js';

/**
 * `unavailable`: the target could not be reached (connection refused or lost, broker down); the
 * relay waits for it without using up retries. Otherwise the target refused the event (a non-2xx
 * answer, a timeout, a nack), which counts towards `max_retries` and ends in a dead letter.
 */
export class DeliveryError extends TuskError {
  constructor(
    message: string,
    /** Events acknowledged before the failure (a prefix of the batch). */
    readonly delivered: number,
    readonly unavailable: boolean,
    cause?: unknown,
  ) {
    super('PUBLISH_FAILED', message, { cause, details: { delivered, unavailable } });
  }
}

/** Wraps anything thrown by a client library as a DeliveryError. */
export function toDeliveryError(err: unknown, delivered: number, unavailable: boolean): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new DeliveryError(message, delivered, unavailable, err);
}
