/**
 * The loop of every background worker that one process of a cluster runs at a time: a
 * partition of a log consumer, the saga scheduler. It takes the lease (or waits in standby
 * while another process holds it), runs `step` while it holds it, idles on the Waker when a
 * step found nothing (a local append or `wake` ends the idle, the poll interval catches the
 * rest), backs off after failures, and stops for good when the work keeps being refused.
 */
import { backgroundOpen } from './backgroundGate.js';
import { backoffDelay, STORE_BACKOFF } from './backoff.js';
import type { ConsumerEnv, ConsumerState } from './Consumer.js';
import { Lease, LeaseLost } from './Lease.js';
import { ConsumerStopped, errorText } from './poison.js';
import { Waker } from './Waker.js';

/** How a loop treats failures of its step. */
export interface FailurePolicy {
  /** True for a failure that is the work's fault: retried `retryAttempts` times, then the loop stops. */
  isRefusal?: ((err: unknown) => boolean) | undefined;
  retryAttempts?: number | undefined;
}

const loops = new WeakMap<object, Set<LeasedLoop>>();

/**
 * When the background loops on `store` last did work (ms since the epoch): now while a step
 * runs, else the end of the last step that progressed or failed; 0 when none ever ran. An idle
 * tenant runtime is closed only when this is old enough (src/tenancy/shards/idleRuntimes.ts).
 */
export function lastBackgroundWork(store: object): number {
  let last = 0;
  for (const loop of loops.get(store) ?? []) last = Math.max(last, loop.lastWorkAt());
  return last;
}

/** A leased background loop; subclasses say what one step does. */
export abstract class LeasedLoop {
  readonly waker = new Waker();
  readonly lease: Lease;
  state: ConsumerState = 'starting';
  /** Why the loop stopped, when it failed. */
  error: string | undefined;
  protected stopping = false;
  private loop: Promise<void> | undefined;
  private stepping = false;
  private worked = 0;
  protected readonly labels: { consumer: string; partition: string };

  constructor(
    protected readonly env: ConsumerEnv,
    /** The consumer's name (logs and metrics). */
    readonly consumer: string,
    readonly partition: number,
    /** Lease name. */
    readonly key: string,
    private readonly failures: FailurePolicy = {},
  ) {
    this.labels = { consumer, partition: String(partition) };
    this.lease = new Lease(env.store, key, env.owner, env.leaseTtlMs, () =>
      env.logger.warn({ consumer, partition }, 'lease lost; another process owns this work now'),
    );
  }

  /** True while this process may do the work: not stopping, and holding the lease. */
  get active(): boolean {
    return !this.stopping && this.lease.held;
  }

  /** Starts the loop in the background. */
  start(): void {
    let registered = loops.get(this.env.store);
    if (registered === undefined) loops.set(this.env.store, (registered = new Set()));
    registered.add(this);
    this.loop ??= this.run();
  }

  /** Now while a step runs, else when the last step that progressed or failed ended (0: never). */
  lastWorkAt(): number {
    return this.stepping ? Date.now() : this.worked;
  }

  /** Stops after the step in flight, lets `drain` finish, then gives the lease up. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.waker.stop();
    loops.get(this.env.store)?.delete(this);
    await this.loop;
    await this.drain();
    await this.lease.release();
    if (this.state !== 'failed') this.state = 'stopped';
    this.env.metrics?.owned.set(this.labels, 0);
  }

  /** One unit of work; false when there was nothing to do (the loop then idles). */
  protected abstract step(): Promise<boolean>;

  /** False when this process should leave the work to another one (the fleet's split, see Fleet). */
  protected wanted(): boolean {
    return true;
  }

  /** Called when this process took the lease (state read before must be read again). */
  protected taken(): void {}

  /** Called after a failure of `step` (state read before must be read again). */
  protected failed(): void {}

  /**
   * Called when `step` was refused for the `failures`-th time in a row: true when the subclass
   * dealt with it (the count starts again), false for the default (retry, then stop).
   */
  protected refused(_err: unknown, _failures: number): Promise<boolean> {
    return Promise.resolve(false);
  }

  /** Work still running when the loop has ended (awaited on stop, before the lease is released). */
  protected async drain(): Promise<void> {}

  private async run(): Promise<void> {
    const { env } = this;
    let failures = 0;
    await backgroundOpen(env.store, this.waker);
    while (!this.stopping) {
      if (this.lease.held && !this.wanted()) await this.handOver();
      if (!this.lease.held && !(await this.takeLease())) {
        await this.waker.pause(Math.min(Math.max(env.pollIntervalMs, env.leaseTtlMs / 3), 5_000));
        continue;
      }
      try {
        this.stepping = true;
        const progressed = await this.step();
        this.stepping = false;
        failures = 0;
        if (progressed) this.worked = Date.now();
        else await this.waker.idle(env.pollIntervalMs);
      } catch (err) {
        this.stepping = false;
        this.worked = Date.now();
        this.failed();
        if (err instanceof LeaseLost) continue;
        failures++;
        env.metrics?.failures.inc({ consumer: this.consumer });
        const refused = this.failures.isRefusal?.(err) === true;
        // true: dealt with (the event was isolated, parked or skipped); an Error: dealing with it failed (retried)
        const handled = refused
          ? await this.refused(err, failures).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))))
          : false;
        if (handled === true) {
          failures = 0;
          continue;
        }
        const stopped = handled instanceof ConsumerStopped ? handled : err instanceof ConsumerStopped ? err : undefined;
        if (stopped !== undefined || (handled === false && refused && failures > (this.failures.retryAttempts ?? 3))) {
          this.state = 'failed';
          this.error = errorText(stopped ?? err);
          env.logger.error(
            { err, consumer: this.consumer, partition: this.partition },
            'consumer stopped: an event cannot be handled (fix the cause, then restart or rebuild)',
          );
          return;
        }
        env.logger.warn(
          { err, consumer: this.consumer, partition: this.partition, attempt: failures },
          refused ? 'consumer step failed; retrying' : 'consumer cannot reach the store; retrying',
        );
        await this.waker.pause(backoffDelay(STORE_BACKOFF, failures));
      }
    }
  }

  /** Gives the lease up between two steps, so the process the work belongs to now takes it. */
  private async handOver(): Promise<void> {
    await this.lease.release();
    this.state = 'standby';
    this.env.metrics?.owned.set(this.labels, 0);
    this.env.logger.info(
      { consumer: this.consumer, partition: this.partition },
      'lease handed over: the work belongs to another process now',
    );
  }

  private async takeLease(): Promise<boolean> {
    this.env.metrics?.owned.set(this.labels, 0);
    if (!this.wanted() || !(await this.lease.acquire())) {
      this.state = 'standby';
      return false;
    }
    this.state = 'running';
    this.taken();
    this.env.metrics?.owned.set(this.labels, 1);
    this.env.logger.info({ consumer: this.consumer, partition: this.partition }, 'lease taken: this process owns the work now');
    return true;
  }
}
