/**
 * A relay follows the event log (the outbox) from its own checkpoint and hands every event, in
 * log order, to one Publisher. The checkpoint moves only after the target acknowledged, so
 * delivery is at least once and in order per aggregate, and resumes after a crash or an outage.
 * Commands never wait for a relay: they only append. The live bus wakes the relay after a local
 * append; a poll interval catches appends of other processes. The relay runs in the process
 * that holds its lease.
 *
 * Failures: an unreachable target is waited for (backoff up to max_delay, forever); a target
 * that refuses an event gets `max_retries` more attempts, then the event becomes a dead letter
 * and the relay moves on (later events of the same aggregate are still delivered, see README).
 */
import type { Logger } from 'pino';
import type { LiveBus } from '../engine/liveBus.js';
import { toEventJson, type EventJson } from '../engine/toEventJson.js';
import type { Upcaster } from '../engine/upcaster.js';
import type { EventStore, StoredEvent } from '../store/EventStore.js';
import { backoffDelay, type RetryPolicy } from './backoff.js';
import { insertDeadLetter } from './deadLetters/sql/insertDeadLetter.js';
import { toDeliveryError } from './DeliveryError.js';
import type { Publisher } from './Publisher.js';
import type { PublisherMetrics } from './PublisherMetrics.js';
import { Lease } from '../consumers/Lease.js';
import { Waker } from '../consumers/Waker.js';
import { isInternalStreamType } from '../store/internalStreams.js';

/** What a relay needs. */
export interface RelayOptions {
  /** The relay's name (checkpoint, lease, dead letters, metrics). */
  name: string;
  publisher: Publisher;
  /** Event types to deliver; undefined = all. */
  types?: readonly string[] | undefined;
  policy: RetryPolicy;
  store: EventStore;
  upcaster: Upcaster;
  bus?: LiveBus;
  logger: Logger;
  metrics?: PublisherMetrics;
  /** Lease owner id of this process. */
  owner: string;
  batchSize?: number;
  pollIntervalMs?: number;
  leaseTtlMs?: number;
  /** Longest wait for an in-flight delivery on stop before the publisher is closed under it. */
  stopTimeoutMs?: number;
}

/** The checkpoint and lease name of a relay. */
export function relayKey(name: string): string {
  return `publisher:${name}`;
}

/** One running relay. */
export class Relay {
  readonly name: string;
  private readonly key: string;
  private readonly lease: Lease;
  private readonly types: ReadonlySet<string> | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private readonly waker = new Waker();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: RelayOptions) {
    this.name = options.name;
    this.key = relayKey(options.name);
    this.types = options.types === undefined ? undefined : new Set(options.types);
    this.lease = new Lease(options.store, this.key, options.owner, options.leaseTtlMs ?? 15_000, () =>
      options.logger?.warn({ lease: this.key }, 'lost the relay lease; another process delivers now'),
    );
  }

  /** Starts following the log in the background. */
  start(): void {
    if (this.loop !== undefined) return;
    this.unsubscribe = this.options.bus?.subscribe((events) => {
      if (this.types === undefined || events.some((e) => this.types!.has(e.type))) this.waker.wake();
    });
    this.loop = this.run();
  }

  /** Stops after the delivery in flight (closing the publisher under it after stopTimeoutMs), then gives the lease up. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    this.waker.stop();
    const loop = this.loop ?? Promise.resolve();
    const finished = await Promise.race([loop.then(() => true), delay(this.options.stopTimeoutMs ?? 5_000).then(() => false)]);
    await this.options.publisher.close();
    if (!finished) await loop;
    await this.lease.release();
    this.options.metrics?.lag.remove({ relay: this.name });
    this.options.metrics?.up.remove({ relay: this.name });
  }

  private async run(): Promise<void> {
    const { logger, pollIntervalMs = 500, leaseTtlMs = 15_000, policy } = this.options;
    let storeFailures = 0;
    while (!this.stopping) {
      try {
        if (!this.lease.held) {
          if (!(await this.lease.acquire())) {
            // Another process delivers; local appends are its business, so only the clock wakes us.
            await this.waker.pause(Math.min(Math.max(pollIntervalMs, leaseTtlMs / 3), 5_000));
            continue;
          }
          logger.info({ relay: this.name, target: this.options.publisher.target }, 'relay delivering (lease taken)');
        }
        const progressed = await this.step();
        storeFailures = 0;
        if (!progressed) await this.waker.idle(pollIntervalMs);
      } catch (err) {
        // The store failed (a delivery failure never gets here): wait and read again.
        storeFailures++;
        logger.warn({ err, relay: this.name }, 'relay cannot read the event store; retrying');
        await this.waker.pause(backoffDelay(policy, storeFailures));
      }
    }
  }

  /** Delivers one batch after the checkpoint; false when there was nothing to deliver. */
  private async step(): Promise<boolean> {
    const { store, batchSize = 100, metrics } = this.options;
    const checkpoint = await store.loadCheckpoint(this.key);
    // Read the head first: every event up to it is readable by the readAll below.
    const head = await store.headPosition();
    const stored = await store.readAll({ after: checkpoint, limit: batchSize, ...(this.types !== undefined ? { types: [...this.types] } : {}) });
    // "*" means the app's events: tusk-es's own ($saga…) are passed over unless named.
    const visible = this.types === undefined ? stored.filter((e) => !isInternalStreamType(e.streamType)) : stored;
    let reached = checkpoint;
    if (visible.length > 0) reached = await this.deliverBatch(visible);
    const last = stored.at(-1)?.position;
    if (last !== undefined && last > reached && (visible.length === 0 || reached === visible.at(-1)!.position) && !this.stopping && this.lease.held) {
      // everything visible was delivered: the passed-over events after it need no delivery
      await store.saveCheckpoint(this.key, last);
      reached = last;
    }
    // A filtered read that came back short saw every matching event up to the head: skip the rest.
    if (this.types !== undefined && stored.length < batchSize && reached === stored.at(-1)?.position && head > reached && !this.stopping) {
      await store.saveCheckpoint(this.key, head);
      reached = head;
    } else if (this.types !== undefined && stored.length === 0 && head > checkpoint) {
      await store.saveCheckpoint(this.key, head);
      reached = head;
    }
    metrics?.lag.set({ relay: this.name }, Math.max(0, head - reached));
    return stored.length > 0;
  }

  /** Delivers `stored` with retries and dead letters; returns the position the checkpoint reached. */
  private async deliverBatch(stored: readonly StoredEvent[]): Promise<number> {
    const { store, publisher, policy, metrics, logger } = this.options;
    const events = stored.map((e) => this.convert(e));
    let checkpoint = stored[0]!.position - 1;
    let i = 0;
    let refusals = 0;
    let outages = 0;
    let sentUpTo = 0;
    while (i < stored.length) {
      if (this.stopping || !this.lease.held) break;
      const failedConversion = events[i] instanceof Error ? (events[i] as Error) : undefined;
      const end = failedConversion === undefined ? nextFailure(events, i) : i;
      if (failedConversion !== undefined) {
        // A pure function failed: trying again cannot help, so it is a dead letter at once.
        await this.deadLetter(stored[i]!, 1, `cannot convert the event: ${failedConversion.message}`);
        checkpoint = stored[i]!.position;
        i++;
        continue;
      }
      const batch = events.slice(i, end) as EventJson[];
      if (sentUpTo > i) metrics?.resent.inc({ relay: this.name }, Math.min(sentUpTo, end) - i);
      sentUpTo = Math.max(sentUpTo, end);
      try {
        await publisher.deliver(batch);
        metrics?.delivered.inc({ relay: this.name }, batch.length);
        metrics?.up.set({ relay: this.name }, 1);
        i = end;
        checkpoint = stored[i - 1]!.position;
        await store.saveCheckpoint(this.key, checkpoint);
        refusals = 0;
        outages = 0;
        continue;
      } catch (err) {
        const failure = toDeliveryError(err, 0, false);
        if (failure.delivered > 0) {
          const done = Math.min(failure.delivered, batch.length);
          metrics?.delivered.inc({ relay: this.name }, done);
          i += done;
          checkpoint = stored[i - 1]!.position;
          await store.saveCheckpoint(this.key, checkpoint);
          refusals = 0;
        }
        if (this.stopping || i >= stored.length) continue;
        if (failure.unavailable) {
          outages++;
          metrics?.up.set({ relay: this.name }, 0);
          if (outages === 1) logger.warn({ relay: this.name, target: publisher.target, err: failure.message }, 'target unreachable; waiting for it');
          metrics?.retried.inc({ relay: this.name });
          await this.waker.pause(backoffDelay(policy, outages));
          continue;
        }
        outages = 0;
        refusals++;
        if (refusals > policy.max_retries) {
          await this.deadLetter(stored[i]!, refusals, failure.message);
          checkpoint = stored[i]!.position;
          i++;
          refusals = 0;
          continue;
        }
        logger.info({ relay: this.name, position: stored[i]!.position, attempt: refusals, err: failure.message }, 'delivery refused; retrying');
        metrics?.retried.inc({ relay: this.name });
        await this.waker.pause(backoffDelay(policy, refusals));
      }
    }
    return checkpoint;
  }

  private convert(event: StoredEvent): EventJson | Error {
    try {
      return toEventJson(this.options.upcaster(event));
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  /** Writes the dead letter and moves the checkpoint past it, in one transaction. */
  private async deadLetter(event: StoredEvent, attempts: number, error: string): Promise<void> {
    const { store, metrics, logger } = this.options;
    await store.transaction(async (tx) => {
      await insertDeadLetter(tx, store.tables, this.name, event, attempts, error);
      await store.saveCheckpoint(this.key, event.position, tx);
    });
    metrics?.deadLettered.inc({ relay: this.name });
    logger.error({ relay: this.name, position: event.position, event_id: event.id, attempts, err: error }, 'event dead-lettered');
  }
}

/** Index of the first event at or after `from` that failed to convert (or the end). */
function nextFailure(events: readonly (EventJson | Error)[], from: number): number {
  let i = from;
  while (i < events.length && !(events[i] instanceof Error)) i++;
  return i;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
