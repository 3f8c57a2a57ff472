/**
 * Drives the saga instances that are due (a new step, a retry whose time has come, a passed
 * deadline), as the saga_instances index says. It is a leased loop of the consumer framework
 * (src/consumers): one process of a cluster holds the `tusk-es/sagas` lease and does the work;
 * the others take over when it expires. Even two runners at once (a leader stalled past its
 * lease) cannot apply a command twice, and repeat a call only when the first runner is really
 * gone: see driveSaga.ts and decideNext.ts.
 */
import { newOwnerId } from '../consumers/ownerId.js';
import { ConsumerMetrics } from '../consumers/ConsumerMetrics.js';
import { LeasedLoop } from '../consumers/LeasedLoop.js';
import type { Runtime } from '../runtime/Runtime.js';
import type { SagaDefinition } from './compileSaga.js';
import { driveSaga, type DriveContext } from './driveSaga.js';
import type { SagaMetrics } from './SagaMetrics.js';
import { dueSagas } from './sql/dueSagas.js';
import { asTenant } from '../consumers/tenantBatches.js';

/** Timing of the sagas (defaults suit production; tests shorten them). */
export interface SagaTiming {
  /** How often the index and the log are polled when nothing wakes the loop. */
  pollMs?: number;
  /** Lease duration; renewed every third of it. */
  leaseTtlMs?: number;
  /** Instances driven at once by this process. */
  concurrency?: number;
}

const LEASE = 'tusk-es/sagas';
/**
 * Instances driven at once. Each waits for a commit per step (a few per saga), so the number
 * in flight is what lets sagas keep up with the commands that start them: with 32, 16 HTTP
 * clients' orders outran their sagas ~3× by construction (issue 21's soak).
 */
const DEFAULT_CONCURRENCY = 128;
// After an unexpected error, an instance is left alone this long (no busy loop on a bug).
const ERROR_BACKOFF_MS = 5_000;

/** Runs the due saga instances of one runtime. */
export class SagaScheduler extends LeasedLoop {
  private readonly concurrency: number;
  private readonly running = new Map<string, Promise<void>>();
  private readonly backoff = new Map<string, number>();
  private readonly shutdown = new AbortController();
  private readonly drive: DriveContext;

  constructor(
    private readonly runtime: Runtime,
    definitions: ReadonlyMap<string, SagaDefinition>,
    metrics: SagaMetrics,
    timing: SagaTiming = {},
  ) {
    const env = {
      store: runtime.store,
      logger: runtime.logger,
      owner: newOwnerId(),
      metrics: ConsumerMetrics.of(runtime.metrics.registry),
      pollIntervalMs: timing.pollMs ?? 200,
      leaseTtlMs: timing.leaseTtlMs ?? 5_000,
    };
    super(env, 'sagas', 0, LEASE);
    this.concurrency = timing.concurrency ?? DEFAULT_CONCURRENCY;
    this.drive = { runtime, definitions, metrics, shutdown: this.shutdown.signal, mayContinue: () => this.active };
  }

  /** Looks for work now instead of at the next poll (a saga was started in this process). */
  wake(): void {
    this.waker.wake();
  }

  /**
   * Stops: no new work; an HTTP call in flight is aborted and left to be resumed (its outcome
   * is unknown, so it is dispatched again, same Idempotency-Key); a command in flight
   * finishes and is recorded. Then the lease is given up so another process takes over at once.
   */
  override async stop(): Promise<void> {
    this.shutdown.abort();
    await super.stop();
  }

  protected override async drain(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }

  /** Launches the due instances there is room for; always idles afterwards (a finished instance wakes it). */
  protected async step(): Promise<boolean> {
    if (this.concurrency - this.running.size <= 0) return false;
    const now = Date.now();
    const due = await dueSagas(this.runtime.store, this.runtime.store.tables, new Date(now), this.concurrency * 2);
    for (const { id, tenant } of due) {
      if (this.running.size >= this.concurrency || !this.active) break;
      // The same saga id in two tenants is two instances.
      const key = tenant === undefined ? id : `${tenant}\u0000${id}`;
      if (this.running.has(key) || (this.backoff.get(key) ?? 0) > now) continue;
      this.launch(key, id, tenant);
    }
    return false;
  }

  /** Drives instance `id` (as its tenant), tracked as `key`. */
  private launch(key: string, id: string, tenant: string | undefined): void {
    const work = asTenant(tenant, () => driveSaga(this.drive, id))
      .then((result) => {
        this.backoff.delete(key);
        if (result === 'unknown_saga') {
          this.runtime.logger.warn({ saga_id: id }, 'saga instance of a saga that is no longer configured: left as it is');
          this.backoff.set(key, Date.now() + 60_000);
        }
        return result === 'finished';
      })
      .catch((err: unknown) => {
        this.backoff.set(key, Date.now() + ERROR_BACKOFF_MS);
        this.runtime.logger.warn({ err, saga_id: id }, 'saga instance could not be driven; retrying later');
        return false;
      })
      .then((freedSlot) => {
        this.running.delete(key);
        // A finished instance frees a slot that other due instances may be waiting for.
        if (freedSlot && !this.stopping) this.wake();
      });
    this.running.set(key, work);
  }
}
