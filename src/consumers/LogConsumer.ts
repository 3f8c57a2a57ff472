/**
 * One consumer of the log in this process: its partition workers, woken by local appends of
 * its types (the live bus) and by other processes' appends (the store's LISTEN/NOTIFY). Every
 * log follower of tusk-es is one (async projections, publisher relays, saga triggers): they
 * bring a ConsumerHandler, this brings the rest (see Consumer.ts). Before its workers start it
 * joins the fleet (which partitions this process runs, see Fleet) and brings the consumer to
 * its configured partition count (see PartitionLayout).
 */
import { backgroundOpen } from './backgroundGate.js';
import type { ConsumerEnv, ConsumerSpec, ConsumerState } from './Consumer.js';
import { Fleet } from './Fleet.js';
import { onAppends } from './onAppends.js';
import { settleLayout } from './PartitionLayout.js';
import { partitionKeys } from './partitionKeys.js';
import { PartitionWorker } from './PartitionWorker.js';
import { initCheckpoint } from './sql/initCheckpoint.js';
import { Waker } from './Waker.js';

/** A consumer following the log from its checkpoints. */
export class LogConsumer {
  readonly partitions: readonly PartitionWorker[];
  readonly fleet: Fleet;
  private unsubscribe: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private settled: Promise<void> | undefined;
  private stopping = false;
  private layoutError: string | undefined;
  /** Ends the wait for the background gate when the consumer stops first. */
  private readonly gateWaker = new Waker();

  constructor(
    private readonly env: ConsumerEnv,
    readonly spec: ConsumerSpec,
  ) {
    const count = Math.max(1, spec.partitions ?? 1);
    const fleet = (this.fleet = Fleet.of(env.store, env.logger));
    this.partitions = partitionKeys(spec.name, count).map(
      (key, index) => new PartitionWorker(env, spec, index, key, { count, assigned: () => fleet.assigned(this.fleetKey, index, count) }),
    );
  }

  /** The consumer's name (the prefix of its checkpoint and lease names). */
  get name(): string {
    return this.spec.name;
  }

  /**
   * Its group in the fleet: the processes that run this consumer with this partition count
   * (a process of another count, during a change, must not be given partitions it lacks).
   */
  get fleetKey(): string {
    return `${this.name}#${this.count}`;
  }

  /** Its partition count (from the config). */
  get count(): number {
    return this.partitions.length;
  }

  /** Running when any partition runs here, failed when one failed, else the first partition's state. */
  get state(): ConsumerState {
    if (this.layoutError !== undefined) return 'failed';
    const states = this.partitions.map((p) => p.state);
    if (states.includes('failed')) return 'failed';
    if (states.includes('running')) return 'running';
    return states[0] ?? 'stopped';
  }

  /** Why the consumer failed, when it did. */
  get error(): string | undefined {
    return this.layoutError ?? this.partitions.find((p) => p.error !== undefined)?.error;
  }

  /**
   * Prepares the checkpoints before this process accepts requests: the partition count is
   * settled, and a consumer that starts at the head and has no checkpoint yet gets one there.
   */
  async init(): Promise<void> {
    await this.settle();
    if (this.spec.startAt !== 'head' || this.layoutError !== undefined) return;
    const head = await this.env.store.headPosition();
    for (const p of this.partitions) await initCheckpoint(this.env.store, this.env.store.tables, p.key, head);
  }

  /** Ends the idle wait of every partition (a retry released parked events). */
  wake(): void {
    for (const p of this.partitions) p.waker.wake();
  }

  /** Starts every partition worker in the background (once the partition count is settled). */
  start(): void {
    this.running ??= this.run();
  }

  /** Stops after the batches in flight and gives the leases up. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.gateWaker.stop();
    await this.running;
    this.unsubscribe?.();
    const stopped = Promise.all(this.partitions.map((p) => p.stop()));
    const { close, stopTimeoutMs } = this.spec;
    if (close !== undefined) {
      if (stopTimeoutMs !== undefined) await Promise.race([stopped, delay(stopTimeoutMs)]);
      else await stopped;
      await close();
    }
    await stopped;
    await this.fleet.leave(this.fleetKey);
  }

  private settle(): Promise<void> {
    this.settled ??= settleLayout(this.env, this.spec, this.count, () => this.stopping).catch((err: unknown) => {
      this.layoutError = err instanceof Error ? err.message : String(err);
      this.env.logger.error({ err, consumer: this.name }, 'consumer cannot change its partition count');
    });
    return this.settled;
  }

  private async run(): Promise<void> {
    await backgroundOpen(this.env.store, this.gateWaker);
    if (this.stopping) return;
    await this.fleet.join(this.fleetKey, this.env.leaseTtlMs);
    await this.settle();
    if (this.stopping || this.layoutError !== undefined) return;
    this.unsubscribe = onAppends(this.env.store, this.env.bus, this.spec.types, () => this.wake());
    for (const p of this.partitions) p.start();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
