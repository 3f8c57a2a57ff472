/**
 * Follows the log for one partition of a consumer, in the process that holds its lease (see
 * LeasedLoop): reads a batch after the checkpoint, hands it to the handler, and moves the
 * checkpoint, fenced (see Batch.commit). Events of a parked stream are held back, not handed
 * over (see Parking.ts); a refused batch is read again event by event to find the poison one.
 */
import type { SqlExecutor, StoredEvent } from '../store/EventStore.js';
import type { Batch, ConsumerEnv, ConsumerSpec } from './Consumer.js';
import { LeasedLoop } from './LeasedLoop.js';
import { Parking, type Held } from './Parking.js';
import { ConsumerStopped, errorText } from './poison.js';
import { lockCheckpoint } from './sql/lockCheckpoint.js';
import { asTenant, oneTenant } from './tenantBatches.js';
import { currentTenant, inTenant, runAsSystem } from '../tenancy/tenantScope.js';

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
  /** While set, batches are one event long up to this position: a refused batch is searched for its poison event. */
  private isolateUntil: number | undefined;
  /** The events handed to the handler in the batch in flight (the one a refusal is about). */
  private handed: readonly StoredEvent[] = [];
  private readonly parking: Parking;
  /** When this partition last moved its checkpoint over events it had nothing to do with (performance.now()). */
  private skippedAt = -Infinity;

  constructor(
    env: ConsumerEnv,
    private readonly spec: ConsumerSpec,
    partition: number,
    /** Checkpoint and lease name of the partition. */
    key: string,
    private readonly place: PartitionPlace = { count: 1 },
  ) {
    super(env, spec.name, partition, key, spec);
    this.parking = new Parking(env, spec);
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
    const { types } = this.spec;
    // Read every time: a rebuild (or an operator) may have moved it since.
    const checkpoint = (this.checkpoint = await store.loadCheckpoint(this.key));
    if (this.isolateUntil !== undefined && checkpoint >= this.isolateUntil) this.isolateUntil = undefined;
    const batchSize = this.isolateUntil === undefined ? this.spec.batchSize : 1;
    // Read before the batch: a removal of events committed after it makes the batch stale (commit).
    const mark = await store.removalMark();
    // Read the head first: every event of our types up to it is returned by the read below.
    const head = await store.headPosition();
    const { count, until = Infinity } = this.place;
    const { events: read, cut } = oneTenant(
      await store.readAll({
        after: checkpoint,
        limit: batchSize,
        ...(types === undefined ? {} : { types }),
        partition: { count, index: this.partition },
      }),
    );
    const events = read.filter((e) => e.position <= until);
    const last = read.at(-1)?.position ?? 0;
    const reached = Math.min(until, read.length < batchSize && !cut ? Math.max(head, last) : last);
    if (reached <= checkpoint) {
      metrics?.lag.set(this.labels, Math.max(0, head - checkpoint));
      return false;
    }
    if (events.length === 0 && until === Infinity && this.skipDeferred()) {
      // Nothing of its types lies before `reached`: it has nothing to do, only a checkpoint to move.
      metrics?.lag.set(this.labels, 0);
      return false;
    }
    const held = events.length === 0 ? Parking.NONE : await this.parking.held(events);
    const batch = this.batch(held.free, reached, held, mark);
    this.handed = held.free;
    if (held.free.length > 0) await asTenant(this.scopeOf(events[0]), () => this.spec.handler.handle(batch));
    this.handed = [];
    if (batch.active && this.checkpoint !== undefined && this.checkpoint < reached) await batch.commit(reached);
    if (this.checkpoint !== undefined) metrics?.lag.set(this.labels, Math.max(0, head - this.checkpoint));
    return true;
  }

  /**
   * True when moving the checkpoint over other types' events can wait: one such move was made
   * less than a poll interval ago. Under a steady load of events a filtered consumer does not
   * follow (a saga trigger under CreateUser), each move is a transaction and a commit, and they
   * ran back to back as fast as the database answered (issue 21); now at most one per poll
   * interval. Its own types still wake it at once, and a restart only reads over the same
   * events again.
   */
  private skipDeferred(): boolean {
    const now = performance.now();
    if (now - this.skippedAt < this.env.pollIntervalMs) return true;
    this.skippedAt = now;
    return false;
  }

  /** A refused batch: searched event by event; its one event: given up on after max_retries (on_error). */
  protected override async refused(err: unknown, failures: number): Promise<boolean> {
    const handed = this.handed;
    this.handed = [];
    if (handed.length > 1 && this.isolateUntil === undefined && (this.spec.onError ?? 'stop') !== 'stop') {
      this.isolateUntil = handed.at(-1)!.position;
      this.env.logger.warn(
        { err, consumer: this.consumer, partition: this.partition },
        'batch refused; reading it again event by event to find the event at fault',
      );
      return true;
    }
    if (handed.length !== 1 || failures <= (this.spec.retryAttempts ?? 3) || (this.spec.onError ?? 'stop') === 'stop') return false;
    const event = handed[0]!;
    this.checkpoint = await this.env.store.loadCheckpoint(this.key);
    if (this.checkpoint >= event.position) return true;
    await this.giveUp(event, failures, errorText(err), Parking.NONE);
    return true;
  }

  private batch(events: readonly StoredEvent[], reached: number, held: Held, mark: number): Batch {
    let moved = false;
    const checkpoint = () => this.checkpoint ?? 0;
    const active = () => !moved && this.active;
    return {
      consumer: this.spec.name,
      partition: this.partition,
      events,
      reached,
      get checkpoint() {
        return checkpoint();
      },
      get active() {
        return active();
      },
      commit: async (position, work) => {
        const done = await this.commit(position, held, mark, work);
        if (!done) moved = true;
        return done;
      },
      pause: (ms) => this.waker.pause(ms),
      giveUp: async (event, attempts, error) => {
        const goOn = await this.giveUp(event, attempts, error, held, mark);
        if (!goOn) moved = true;
        return goOn;
      },
    };
  }

  /** Applies on_error to `event`: records it and moves the checkpoint past it (true: the batch may go on). */
  private async giveUp(event: StoredEvent, attempts: number, error: string, held: Held, mark?: number): Promise<boolean> {
    if ((this.spec.onError ?? 'stop') === 'stop')
      throw new ConsumerStopped(`event at position ${event.position} cannot be handled: ${error}`, event);
    const record = this.parking.record(event, attempts, error);
    const done = await asTenant(this.scopeOf(event), () => this.commit(event.position, held, mark, record));
    if (done) this.parking.recorded(event, attempts, error);
    return done && this.spec.onError === 'skip';
  }

  /** The tenant to handle `event` as: its own in a conjoined store; none in others (a tenant's own store's events carry it, unneeded). */
  private scopeOf(event: StoredEvent | undefined): string | undefined {
    return this.env.store.conjoined ? event?.tenantId : undefined;
  }

  /**
   * Moves the checkpoint with `work`, fenced. In a conjoined store `work` runs as the tenant of
   * the batch (the caller's), the framework's own statements as the system: the checkpoint,
   * lease and dead letters of a consumer that follows every tenant's log are the system's.
   * The removal mark check makes a batch read before a hard delete or truncation stale: it may
   * hold removed events, which must not reach the tables after their rows were deleted. The
   * removal holds every partition's checkpoint lock too (removeStreamRows), so the two never
   * interleave. `mark` undefined: a lone event given up on after a refusal, whose record holds no rows.
   */
  private async commit(
    position: number,
    held: Held,
    mark: number | undefined,
    work?: (tx: SqlExecutor) => Promise<void>,
  ): Promise<boolean> {
    const { store } = this.env;
    const expected = this.checkpoint;
    const tenant = inTenant() ? currentTenant() : undefined;
    const done = await runAsSystem(() =>
      store.transaction(async (tx) => {
        await lockCheckpoint(tx, store.tables, this.key);
        await this.lease.fence(tx);
        if (expected === undefined || (await store.loadCheckpoint(this.key, tx)) !== expected) return false;
        if (mark !== undefined && (await store.removalMark(tx)) !== mark) return false;
        if (!(await this.parking.holdBack(tx, held, expected, position))) return false;
        if (work !== undefined) await asTenant(tenant, () => work(tx));
        await store.saveCheckpoint(this.key, position, tx);
        return true;
      }),
    );
    this.checkpoint = done ? position : undefined;
    return done;
  }
}
