/**
 * Follows the log for one partition of a consumer, in the process that holds its lease: reads
 * a batch after the checkpoint, hands it to the handler, moves the checkpoint (fenced, see
 * Batch.commit). Waits on the Waker between batches (a local append ends the wait, the poll
 * interval catches other processes' appends), backs off after failures, and stops the
 * consumer when an event keeps being refused (ConsumerSpec.isRefusal).
 */
import type { SqlExecutor, StoredEvent } from '../store/EventStore.js';
import { backoffDelay, STORE_BACKOFF } from './backoff.js';
import type { Batch, ConsumerEnv, ConsumerSpec, ConsumerState } from './Consumer.js';
import { Lease, LeaseLost } from './Lease.js';
import { lockCheckpoint } from './sql/lockCheckpoint.js';
import { Waker } from './Waker.js';

/** One partition of one consumer in this process. */
export class PartitionWorker {
  readonly waker = new Waker();
  readonly lease: Lease;
  state: ConsumerState = 'starting';
  /** Why the partition stopped, when it failed. */
  error: string | undefined;
  /** The checkpoint as this process last saw it; undefined = read it again. */
  private checkpoint: number | undefined;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private readonly labels: { consumer: string; partition: string };

  constructor(
    private readonly env: ConsumerEnv,
    private readonly spec: ConsumerSpec,
    readonly partition: number,
    /** Checkpoint and lease name of the partition. */
    readonly key: string,
  ) {
    this.labels = { consumer: spec.name, partition: String(partition) };
    this.lease = new Lease(env.store, key, env.owner, env.leaseTtlMs, () => env.logger.warn({ consumer: spec.name, partition }, 'consumer lease lost; another process owns the partition now'));
  }

  /** Starts following the log in the background. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Stops after the batch in flight and gives the lease up. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.waker.stop();
    await this.loop;
    await this.lease.release();
    if (this.state !== 'failed') this.state = 'stopped';
    this.env.metrics?.owned.set(this.labels, 0);
  }

  private async run(): Promise<void> {
    const { env, spec } = this;
    let failures = 0;
    while (!this.stopping) {
      if (!this.lease.held && !(await this.takeLease())) {
        await this.waker.pause(Math.min(Math.max(env.pollIntervalMs, env.leaseTtlMs / 3), 5_000));
        continue;
      }
      try {
        const progressed = await this.step();
        failures = 0;
        if (!progressed) await this.waker.idle(env.pollIntervalMs);
      } catch (err) {
        this.checkpoint = undefined;
        if (err instanceof LeaseLost) continue;
        failures++;
        env.metrics?.failures.inc({ consumer: spec.name });
        const refused = spec.isRefusal?.(err) === true;
        if (refused && failures > (spec.retryAttempts ?? 3)) {
          this.state = 'failed';
          this.error = err instanceof Error ? err.message : String(err);
          env.logger.error({ err, consumer: spec.name, partition: this.partition }, 'consumer stopped: an event cannot be handled (fix the cause, then restart or rebuild)');
          return;
        }
        env.logger.warn({ err, consumer: spec.name, partition: this.partition, attempt: failures }, refused ? 'consumer batch failed; retrying' : 'consumer cannot reach the store; retrying');
        await this.waker.pause(backoffDelay(STORE_BACKOFF, failures));
      }
    }
  }

  private async takeLease(): Promise<boolean> {
    this.env.metrics?.owned.set(this.labels, 0);
    if (!(await this.lease.acquire())) {
      this.state = 'standby';
      return false;
    }
    this.state = 'running';
    this.checkpoint = undefined;
    this.env.metrics?.owned.set(this.labels, 1);
    this.env.logger.info({ consumer: this.spec.name, partition: this.partition }, 'consumer partition taken (this process owns it now)');
    return true;
  }

  /** Handles one batch after the checkpoint; false when there was nothing new. */
  private async step(): Promise<boolean> {
    const { store, metrics } = this.env;
    const { batchSize, types } = this.spec;
    const checkpoint = (this.checkpoint ??= await store.loadCheckpoint(this.key));
    // Read the head first: every event of our types up to it is returned by the read below.
    const head = await store.headPosition();
    const events = await store.readAll({ after: checkpoint, limit: batchSize, ...(types === undefined ? {} : { types }) });
    const last = events.at(-1)?.position ?? 0;
    const reached = events.length < batchSize ? Math.max(head, last) : last;
    if (reached <= checkpoint) {
      metrics?.lag.set(this.labels, Math.max(0, head - checkpoint));
      return false;
    }
    const batch = this.batch(events, reached);
    await this.spec.handler.handle(batch);
    if (batch.active && this.checkpoint !== undefined && this.checkpoint < reached) await batch.commit(reached);
    if (this.checkpoint !== undefined) metrics?.lag.set(this.labels, Math.max(0, head - this.checkpoint));
    return true;
  }

  private batch(events: readonly StoredEvent[], reached: number): Batch {
    const worker = this;
    let moved = false;
    return {
      consumer: this.spec.name,
      partition: this.partition,
      events,
      reached,
      get checkpoint() {
        return worker.checkpoint ?? 0;
      },
      get active() {
        return !moved && !worker.stopping && worker.lease.held;
      },
      commit: async (position, work) => {
        const done = await this.commit(position, work);
        if (!done) moved = true;
        return done;
      },
      pause: (ms) => this.waker.pause(ms),
    };
  }

  private async commit(position: number, work?: (tx: SqlExecutor) => Promise<void>): Promise<boolean> {
    const { store } = this.env;
    const expected = this.checkpoint;
    const done = await store.transaction(async (tx) => {
      await lockCheckpoint(tx, store.tables, this.key);
      await this.lease.fence(tx);
      if (expected === undefined || (await store.loadCheckpoint(this.key, tx)) !== expected) return false;
      await work?.(tx);
      await store.saveCheckpoint(this.key, position, tx);
      return true;
    });
    this.checkpoint = done ? position : undefined;
    return done;
  }
}
