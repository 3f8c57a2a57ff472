/**
 * What a consumer of the log is made of. The framework (LogConsumer) follows the log for it:
 * checkpoints, leases with fencing, wake-ups, backoff and metrics. A consumer brings only its
 * ConsumerHandler: what to do with a batch of events (apply it to tables, deliver it, start
 * sagas from it).
 */
import type { Logger } from 'pino';
import type { LiveBus } from '../engine/liveBus.js';
import type { EventStore, SqlExecutor, StoredEvent } from '../store/EventStore.js';
import type { ConsumerMetrics } from './ConsumerMetrics.js';
import type { OnError, Redo } from './poison.js';

/** A batch of events read after a partition's checkpoint, handed to its handler. */
export interface Batch {
  readonly consumer: string;
  readonly partition: number;
  readonly events: readonly StoredEvent[];
  /** The partition's checkpoint now (it moves with every commit). */
  readonly checkpoint: number;
  /**
   * Where the batch ends: its last event, or the head of the log when the read came back short
   * (nothing of the consumer's types lies in between, so a filtered consumer's lag reaches 0).
   */
  readonly reached: number;
  /** True while the handler may go on: not stopping, lease held, checkpoint not moved by another writer. */
  readonly active: boolean;
  /**
   * Runs `work` and moves the checkpoint to `position` in ONE transaction, fenced: only while
   * this process holds the partition's lease (else LeaseLost is thrown and nothing is written),
   * and only if the checkpoint is still where this batch saw it (else false: a rebuild moved it,
   * the batch is stale, nothing is written).
   */
  commit(position: number, work?: (tx: SqlExecutor) => Promise<void>): Promise<boolean>;
  /** A backoff wait: ends early only when the consumer stops. */
  pause(ms: number): Promise<void>;
  /**
   * The handler gives up on `event` after `attempts` (it did its own retries): applies the
   * consumer's `on_error`. Under `skip` the event becomes a skipped dead letter and the checkpoint
   * moves past it (true: go on with the batch); under `park` a parked one (false: the batch
   * ends, the framework reads again with its stream held back); under `stop` it throws
   * ConsumerStopped. False too when the batch went stale.
   */
  giveUp(event: StoredEvent, attempts: number, error: string): Promise<boolean>;
}

/** What one consumer does with events. */
export interface ConsumerHandler {
  /**
   * Handles a batch. The handler may move the checkpoint itself (`batch.commit`, with its
   * effects in the same transaction); once it resolves, the framework commits `batch.reached`
   * if the batch is still active. A throw is a failure of the batch (see ConsumerSpec).
   */
  handle(batch: Batch): Promise<void>;
}

/** One consumer: its name, what it reads, and its handler. */
export interface ConsumerSpec {
  /** Checkpoint and lease name, also its metrics label (e.g. `projection:orders`). */
  name: string;
  /** Event types it reads; undefined = every event. */
  types?: readonly string[] | undefined;
  batchSize: number;
  /** Partitions that run apart, each with its checkpoint and lease (default 1; see Fleet, PartitionLayout). */
  partitions?: number | undefined;
  handler: ConsumerHandler;
  /**
   * True for a failure that is the events' fault (a value a table refuses). A batch of several
   * events that is refused is read again one event at a time, to find the event at fault; that
   * event is retried `retryAttempts` times (max_retries), then `onError` applies. Any other
   * failure (the store is unreachable) is retried with backoff for as long as it lasts.
   */
  isRefusal?: ((err: unknown) => boolean) | undefined;
  retryAttempts?: number | undefined;
  /** What to do with an event that keeps failing (default `stop`, see poison.ts). */
  onError?: OnError | undefined;
  /** How a retry from the dead letters handles its events; without it they cannot be retried. */
  redo?: Redo | undefined;
  /**
   * Where a consumer without a checkpoint starts: at the beginning of the log (the default), or
   * at its head when the consumer is first deployed (saga triggers: a saga starts for events
   * appended after it was deployed, not for the whole history).
   */
  startAt?: 'beginning' | 'head' | undefined;
  /** Releases what the handler holds (a publisher's connection); called on stop. */
  close?: (() => Promise<void>) | undefined;
  /** On stop, how long the batch in flight may take before `close` is called under it (default: no limit). */
  stopTimeoutMs?: number | undefined;
}

/** What every consumer of a process shares. */
export interface ConsumerEnv {
  store: EventStore;
  logger: Logger;
  /** Lease owner id of this process. */
  owner: string;
  /** Local appends wake the consumer at once; other processes' appends at the next poll. */
  bus?: LiveBus | undefined;
  metrics?: ConsumerMetrics | undefined;
  pollIntervalMs: number;
  leaseTtlMs: number;
}

/** The state of a consumer in this process (GET /projections, /health). */
export type ConsumerState = 'starting' | 'running' | 'standby' | 'failed' | 'stopped';
