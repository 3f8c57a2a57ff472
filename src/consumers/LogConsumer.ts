/**
 * One consumer of the log in this process: its partition workers, woken by local appends of
 * its types (the live bus) and by other processes' appends (the store's LISTEN/NOTIFY). Every log follower of tusk-es is one (async projections, publisher relays, saga
 * triggers): they bring a ConsumerHandler, this brings the rest (see Consumer.ts).
 */
import type { ConsumerEnv, ConsumerSpec, ConsumerState } from './Consumer.js';
import { PartitionWorker } from './PartitionWorker.js';
import { initCheckpoint } from './sql/initCheckpoint.js';

/** A consumer following the log from its checkpoint. */
export class LogConsumer {
  readonly partitions: readonly PartitionWorker[];
  private unsubscribe: (() => void) | undefined;
  private started = false;

  constructor(
    private readonly env: ConsumerEnv,
    readonly spec: ConsumerSpec,
  ) {
    this.partitions = [new PartitionWorker(env, spec, 0, spec.name)];
  }

  /** The consumer's name (its checkpoint and lease name). */
  get name(): string {
    return this.spec.name;
  }

  /** Running when any partition runs here, failed when one failed, else the first partition's state. */
  get state(): ConsumerState {
    const states = this.partitions.map((p) => p.state);
    if (states.includes('failed')) return 'failed';
    if (states.includes('running')) return 'running';
    return states[0] ?? 'stopped';
  }

  /** Why the consumer failed, when it did. */
  get error(): string | undefined {
    return this.partitions.find((p) => p.error !== undefined)?.error;
  }

  /**
   * Prepares the checkpoints before this process accepts requests: a consumer that starts at
   * the head and has no checkpoint yet gets one at the current head.
   */
  async init(): Promise<void> {
    if (this.spec.startAt !== 'head') return;
    const head = await this.env.store.headPosition();
    for (const p of this.partitions) await initCheckpoint(this.env.store, this.env.store.tables, p.key, head);
  }

  /** Starts every partition worker in the background. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const types = this.spec.types === undefined ? undefined : new Set(this.spec.types);
    const wake = () => {
      for (const p of this.partitions) p.waker.wake();
    };
    const local = this.env.bus?.subscribe((events) => {
      if (types === undefined || events.some((e) => types.has(e.type))) wake();
    });
    const remote = this.env.store.onRemoteAppends(wake);
    this.unsubscribe = () => {
      local?.();
      remote();
    };
    for (const p of this.partitions) p.start();
  }

  /** Stops after the batches in flight and gives the leases up. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    const stopped = Promise.all(this.partitions.map((p) => p.stop()));
    const { close, stopTimeoutMs } = this.spec;
    if (close !== undefined) {
      if (stopTimeoutMs !== undefined) await Promise.race([stopped, delay(stopTimeoutMs)]);
      else await stopped;
      await close();
    }
    await stopped;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
