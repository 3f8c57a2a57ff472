/**
 * The worker of an async projection (`mode = "async"`): follows the log from the projection's
 * checkpoint in batches of `batch_size`, and applies each batch and moves the checkpoint in ONE
 * transaction, so a crash at any point neither loses nor repeats an event. It runs in the one
 * process that holds its lease, wakes on local appends (the live bus) and polls for the rest.
 * An event that cannot be applied is retried `retry_attempts` times, then the worker stops
 * (events are never skipped); an unreachable database is waited for.
 */
import type { Logger } from 'pino';
import type { LiveBus } from '../../engine/liveBus.js';
import type { Upcaster } from '../../engine/upcaster.js';
import { isTuskError } from '../../errors.js';
import type { EventStore } from '../../store/EventStore.js';
import { applyEvents } from '../apply/applyEvents.js';
import { applyInTransaction } from '../apply/applyInTransaction.js';
import type { CompiledProjection } from '../compile/compileProjection.js';
import type { ProjectionMetrics } from '../ProjectionMetrics.js';
import { lockProjection } from '../sql/lockProjection.js';
import { liveTables } from '../sql/tableRefs.js';
import { Lease } from '../../store/Lease.js';
import { Waker } from '../../util/Waker.js';

/** What the worker needs. */
export interface AsyncProjectorOptions {
  store: EventStore;
  projection: CompiledProjection;
  upcaster: Upcaster;
  logger: Logger;
  owner: string;
  bus?: LiveBus;
  metrics?: ProjectionMetrics;
  pollIntervalMs?: number;
  retryAttempts?: number;
  leaseTtlMs?: number;
}

/** The worker's state, for GET /projections. */
export type WorkerState = 'starting' | 'running' | 'standby' | 'failed' | 'stopped';

/** One running async projection. */
export class AsyncProjector {
  private readonly lease: Lease;
  private readonly waker = new Waker();
  private loop: Promise<void> | undefined;
  private stopping = false;
  private unsubscribe: (() => void) | undefined;
  state: WorkerState = 'starting';
  /** Why the worker stopped, when it failed. */
  error: string | undefined;

  constructor(private readonly options: AsyncProjectorOptions) {
    this.lease = new Lease(options.store, options.projection.checkpoint, options.owner, options.leaseTtlMs ?? 15_000);
  }

  /** Starts following the log in the background. */
  start(): void {
    if (this.loop !== undefined) return;
    const types = new Set(this.options.projection.types);
    this.unsubscribe = this.options.bus?.subscribe((events) => {
      if (events.some((e) => types.has(e.type))) this.waker.wake();
    });
    this.loop = this.run();
  }

  /** Stops after the batch in flight and gives the lease up. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    this.waker.stop();
    await this.loop;
    await this.lease.release();
    if (this.state !== 'failed') this.state = 'stopped';
    this.options.metrics?.running.set({ projection: this.options.projection.name }, 0);
  }

  private async run(): Promise<void> {
    const { logger, projection, metrics, pollIntervalMs = 1000, leaseTtlMs = 15_000, retryAttempts = 3 } = this.options;
    let failures = 0;
    while (!this.stopping) {
      if (!this.lease.held) {
        metrics?.running.set({ projection: projection.name }, 0);
        if (!(await this.lease.acquire())) {
          this.state = 'standby';
          await this.waker.pause(Math.min(Math.max(pollIntervalMs, leaseTtlMs / 3), 5_000));
          continue;
        }
        this.state = 'running';
        metrics?.running.set({ projection: projection.name }, 1);
        logger.info({ projection: projection.name }, 'async projection running (lease taken)');
      }
      try {
        const progressed = await this.step();
        failures = 0;
        if (!progressed) await this.waker.idle(pollIntervalMs);
      } catch (err) {
        failures++;
        metrics?.failures.inc({ projection: projection.name });
        const refused = isTuskError(err) && err.code === 'PROJECTION_FAILED';
        if (refused && failures > retryAttempts) {
          this.state = 'failed';
          this.error = err.message;
          logger.error({ err, projection: projection.name }, 'async projection stopped: an event cannot be applied (fix the mapping or the table, then restart or rebuild)');
          return;
        }
        logger.warn({ err, projection: projection.name, attempt: failures }, refused ? 'async projection batch failed; retrying' : 'async projection cannot reach the store; retrying');
        await this.waker.pause(Math.min(30_000, 200 * 2 ** Math.min(failures, 8)));
      }
    }
  }

  /** Applies one batch after the checkpoint; false when there was nothing new. */
  private async step(): Promise<boolean> {
    const { store, projection, upcaster, metrics } = this.options;
    const checkpoint = await store.loadCheckpoint(projection.checkpoint);
    // Read the head first: every event of our types up to it is returned by the read below.
    const head = await store.headPosition();
    const events = await store.readAll({ after: checkpoint, limit: projection.batchSize, types: projection.types });
    const complete = events.length < projection.batchSize;
    const reached = complete ? Math.max(head, events.at(-1)?.position ?? 0) : events.at(-1)!.position;
    if (reached <= checkpoint) {
      metrics?.lag.set({ projection: projection.name }, Math.max(0, head - checkpoint));
      return false;
    }
    const tables = liveTables(store.tables.schema, projection);
    const applied = await applyInTransaction(store, async (tx, merge) => {
      await lockProjection(tx, store.tables, projection.checkpoint);
      // a rebuild swapped the tables in since the read: this batch is not for them
      if ((await store.loadCheckpoint(projection.checkpoint, tx)) !== checkpoint) return false;
      if (!this.lease.held || this.stopping) return false;
      await applyEvents(tx, projection, tables, events.map(upcaster), merge);
      await store.saveCheckpoint(projection.checkpoint, reached, tx);
      return true;
    });
    if (applied) {
      metrics?.events.inc({ projection: projection.name, path: 'async' }, events.length);
      metrics?.lag.set({ projection: projection.name }, Math.max(0, head - reached));
    }
    return applied || events.length > 0;
  }
}
