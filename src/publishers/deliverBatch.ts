/**
 * Delivers one batch of a relay: runs of convertible events go to the publisher together; the
 * checkpoint moves (fenced, Batch.commit) after each acknowledged run; a refused event is
 * retried with the policy's backoff, then given up on (Batch.giveUp: on_error writes the dead
 * letter and moves the checkpoint past it in one transaction); an unreachable target is waited
 * for without using up retries.
 */
import type { Batch } from '../consumers/Consumer.js';
import { toEventJson, type EventJson } from '../engine/toEventJson.js';
import type { StoredEvent } from '../store/EventStore.js';
import { retryDelayOf } from './backoff.js';
import { toDeliveryError } from './DeliveryError.js';
import type { RelayOptions } from './relayConsumer.js';
import { tracedEach } from '../telemetry/tracing.js';

/** Delivers `stored` (the batch's events the relay wants) until done or the batch is no longer active. */
export async function deliverBatch(options: RelayOptions, batch: Batch, stored: readonly StoredEvent[]): Promise<void> {
  const { publisher, policy, metrics, name } = options;
  const relay = { relay: name };
  const events = stored.map((e) => convert(options, e));
  let i = 0;
  let refusals = 0;
  let outages = 0;
  let sentUpTo = 0;
  while (i < stored.length && batch.active) {
    const failedConversion = events[i] instanceof Error ? (events[i] as Error) : undefined;
    if (failedConversion !== undefined) {
      // A pure function failed: trying again cannot help, so it is a dead letter at once.
      if (!(await deadLetter(options, batch, stored[i]!, 1, `cannot convert the event: ${failedConversion.message}`))) return;
      i++;
      continue;
    }
    const end = nextFailure(events, i);
    const run = events.slice(i, end) as EventJson[];
    if (sentUpTo > i) metrics?.resent.inc(relay, Math.min(sentUpTo, end) - i);
    sentUpTo = Math.max(sentUpTo, end);
    try {
      // Each event's delivery is a span of its command's trace; the target gets that span's traceparent.
      await tracedEach(options.tracing, `publish ${name}`, run, (stamped) => publisher.deliver(stamped), {
        'tusk.publisher': name,
        'tusk.target': publisher.target,
      });
      metrics?.delivered.inc(relay, run.length);
      metrics?.up.set(relay, 1);
      i = end;
      refusals = 0;
      outages = 0;
      if (!(await batch.commit(stored[i - 1]!.position))) return;
      continue;
    } catch (err) {
      const failure = toDeliveryError(err, 0, false);
      if (failure.delivered > 0) {
        const done = Math.min(failure.delivered, run.length);
        metrics?.delivered.inc(relay, done);
        i += done;
        refusals = 0;
        if (!(await batch.commit(stored[i - 1]!.position))) return;
      }
      if (!batch.active || i >= stored.length) continue;
      if (failure.unavailable) {
        outages++;
        metrics?.up.set(relay, 0);
        if (outages === 1)
          options.logger.warn({ relay: name, target: publisher.target, err: failure.message }, 'target unreachable; waiting for it');
        metrics?.retried.inc(relay);
        await batch.pause(retryDelayOf(policy, outages));
        continue;
      }
      outages = 0;
      refusals++;
      if (refusals > policy.max_retries) {
        if (!(await deadLetter(options, batch, stored[i]!, refusals, failure.message))) return;
        i++;
        refusals = 0;
        continue;
      }
      options.logger.info(
        { relay: name, position: stored[i]!.position, attempt: refusals, err: failure.message },
        'delivery refused; retrying',
      );
      metrics?.retried.inc(relay);
      await batch.pause(retryDelayOf(policy, refusals));
    }
  }
}

function convert(options: RelayOptions, event: StoredEvent): EventJson | Error {
  try {
    return toEventJson(options.upcaster(event));
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/** Gives up on `event` (on_error, fenced); true when the batch goes on past it. */
async function deadLetter(options: RelayOptions, batch: Batch, event: StoredEvent, attempts: number, error: string): Promise<boolean> {
  options.metrics?.deadLettered.inc({ relay: options.name });
  return batch.giveUp(event, attempts, error);
}

/** Index of the first event at or after `from` that failed to convert (or the end). */
function nextFailure(events: readonly (EventJson | Error)[], from: number): number {
  let i = from;
  while (i < events.length && !(events[i] instanceof Error)) i++;
  return i;
}
