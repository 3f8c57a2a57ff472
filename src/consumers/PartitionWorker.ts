/**
 * Follows the log for one partition of a consumer, in the process that holds its lease (see
 * LeasedLoop): reads a batch after the checkpoint, hands it to the handler, and moves the
 * checkpoint, fenced (see Batch.commit).
 */
import type { SqlExecutor, StoredEvent } from '../store/EventStore.js';
import type { Batch, ConsumerEnv, ConsumerSpec } from './Consumer.js';
import { LeasedLoop } from './LeasedLoop.js';
import { lockCheckpoint } from './sql/lockCheckpoint.js';

/** Where a partition worker stands among the consumer's partitions. */
export interface PartitionPlace {
  /** How many partitions the consumer has (the partition is `partition` of them). */
  count: number;
  /** True while the fleet's split gives this partition to this process (default: always). */
  assigned?: (() => boolean) | undefined;
  /** Handles no event past this position (a drain before the partition count changes). */
  until?: number | undefined;
}

/** One partition of one consumer in this process. */
export class PartitionWorker extends LeasedLoop {
  /** The checkpoint as this process last saw it (undefined after a failure or a stale commit). */
  private checkpoint: number | undefined;

  constructor(
    env: ConsumerEnv,
    private readonly spec: ConsumerSpec,
    partition: number,
    /** Checkpoint and lease name of the partition. */
    key: string,
    private readonly place: PartitionPlace = { count: 1 },
  ) {
    super(env, spec.name, partition, key, spec);
  }

  protected override wanted(): boolean {
    return this.place.assigned?.() ?? true;
  }

  protected override taken(): void {
    this.checkpoint = undefined;
  }

  protected override failed(): void {
    this.checkpoint = undefined;
  }

  /** Handles one batch after the checkpoint; false when there was nothing new. */
  protected async step(): Promise<boolean> {
    const { store, metrics } = this.env;
    const { batchSize, types } = this.spec;
    // Read every time: a rebuild (or an operator) may have moved it since.
    const checkpoint = (this.checkpoint = await store.loadCheckpoint(this.key));
    // Read the head first: every event of our types up to it is returned by the read below.
    const head = await store.headPosition();
    const { count, until = Infinity } = this.place;
    const read = await store.readAll({ after: checkpoint, limit: batchSize, ...(types === undefined ? {} : { types }), partition: { count, index: this.partition } });
    const events = read.filter((e) => e.position <= until);
    const last = read.at(-1)?.position ?? 0;
    const reached = Math.min(until, read.length < batchSize ? Math.max(head, last) : last);
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
        return !moved && worker.active;
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
