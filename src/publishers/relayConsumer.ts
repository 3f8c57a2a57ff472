/**
 * A relay: the consumer of the log (src/consumers) that hands every event, in log order, to one
 * Publisher. The checkpoint moves only after the target acknowledged, so delivery is at least
 * once and in order per aggregate, and resumes after a crash or an outage; commands never wait
 * for it. The framework runs it in the process that holds its lease and fences its checkpoint.
 *
 * Failures: an unreachable target is waited for (backoff up to max_delay, forever); a target
 * that refuses an event gets `max_retries` more attempts, then `on_error` applies (default
 * `skip`: the event becomes a dead letter and the relay moves on; `park` holds its aggregate's
 * later events back; `stop` stops the relay; see src/consumers/poison.ts).
 */
import type { Logger } from 'pino';
import type { Upcaster } from '../engine/upcaster.js';
import type { ConsumerSpec } from '../consumers/Consumer.js';
import type { OnError } from '../consumers/poison.js';
import { toEventJson } from '../engine/toEventJson.js';
import { TuskError } from '../errors.js';
import type { EventStore, StoredEvent } from '../store/EventStore.js';
import { isSystemEventType } from '../engine/systemEvents.js';
import { isInternalStreamType } from '../store/internalStreams.js';
import type { RetryPolicy } from './backoff.js';
import { deliverBatch } from './deliverBatch.js';
import { toDeliveryError } from './DeliveryError.js';
import type { Publisher } from './Publisher.js';
import type { PublisherMetrics } from './PublisherMetrics.js';
import type { Tracing } from '../telemetry/tracing.js';

/** What a relay needs besides the consumer environment. */
export interface RelayOptions {
  /** The relay's name (checkpoint, lease, dead letters, metrics). */
  name: string;
  publisher: Publisher;
  /** Event types to deliver; undefined = all of the app's (tusk-es's own $-streams are passed over). */
  types?: readonly string[] | undefined;
  policy: RetryPolicy;
  /** What to do with an event the target keeps refusing (default `skip`). */
  onError?: OnError | undefined;
  store: EventStore;
  logger: Logger;
  upcaster: Upcaster;
  metrics?: PublisherMetrics | undefined;
  batchSize?: number | undefined;
  /** Spans of each delivery (issue 19); absent: no span work. */
  tracing?: Tracing | undefined;
  /** Partitions (default 1). */
  partitions?: number | undefined;
  /** Longest wait for an in-flight delivery on stop before the publisher is closed under it. */
  stopTimeoutMs?: number | undefined;
}

/** The checkpoint and lease name of a relay. */
export function relayKey(name: string): string {
  return `publisher:${name}`;
}

/** The consumer of relay `options.name`. */
export function relayConsumer(options: RelayOptions): ConsumerSpec {
  const { name, types, metrics, publisher } = options;
  return {
    name: relayKey(name),
    types,
    batchSize: options.batchSize ?? 100,
    partitions: options.partitions,
    stopTimeoutMs: options.stopTimeoutMs ?? 5_000,
    onError: options.onError ?? 'skip',
    // A retry from the dead letters delivers again, now (at least once).
    redo: {
      transactional: false,
      async apply(events) {
        try {
          const json = events.map((e) => toEventJson(options.upcaster(e)));
          if (json.length > 0) await publisher.deliver(json);
        } catch (err) {
          const failure = toDeliveryError(err, 0, false);
          throw new TuskError('PUBLISH_FAILED', `the dead letter could not be delivered: ${failure.message}`, {
            details: { relay: name },
            cause: err,
          });
        }
        metrics?.delivered.inc({ relay: name }, events.length);
      },
    },
    handler: {
      async handle(batch) {
        // "*" means the app's events: tusk-es's own ($saga…) are passed over unless named.
        const visible: StoredEvent[] =
          types === undefined
            ? batch.events.filter((e) => !isInternalStreamType(e.streamType) && !isSystemEventType(e.type))
            : [...batch.events];
        if (visible.length > 0) await deliverBatch(options, batch, visible);
      },
    },
    async close() {
      await publisher.close();
      metrics?.up.remove({ relay: name });
    },
  };
}
