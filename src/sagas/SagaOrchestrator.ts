/**
 * The background service that runs sagas. One process of a cluster holds the `sagas` lease and
 * does the work: it starts event-triggered sagas and drives every instance that is due (a new
 * step, a retry whose time has come, a passed deadline) as the saga_instances index says.
 * The others keep trying to take the lease and take over when it expires. Even two runners at
 * once (a leader stalled past its lease) cannot apply a command twice, and repeat a call only
 * when the first runner is really gone: see driveSaga.ts and decideNext.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Runtime } from '../runtime/Runtime.js';
import type { SagaDefinition } from './compileSaga.js';
import { driveSaga, type DriveContext } from './driveSaga.js';
import type { SagaMetrics } from './SagaMetrics.js';
import { dueSagas } from './sql/dueSagas.js';
import { TriggerReader } from './TriggerReader.js';

/** Timing of the orchestrator (defaults suit production; tests shorten them). */
export interface OrchestratorOptions {
  /** How often the index and the log are polled when nothing wakes the loop. */
  pollMs?: number;
  /** Lease duration; renewed every third of it. */
  leaseTtlMs?: number;
  /** Instances driven at once by this process. */
  concurrency?: number;
}

const LEASE = 'tusk-es/sagas';
// After an unexpected error, an instance is left alone this long (no busy loop on a bug).
const ERROR_BACKOFF_MS = 5_000;

/** Runs the sagas of one runtime. */
export class SagaOrchestrator {
  readonly owner = `${process.pid}-${randomUUID()}`;
  private readonly triggers: TriggerReader;
  private readonly pollMs: number;
  private readonly leaseTtlMs: number;
  private readonly concurrency: number;
  private readonly running = new Map<string, Promise<void>>();
  private readonly backoff = new Map<string, number>();
  private readonly shutdown = new AbortController();
  private leaseValidUntil = 0;
  private nextLeaseCheck = 0;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private unsubscribe: (() => void) | undefined;
  private readonly drive: DriveContext;

  constructor(
    private readonly runtime: Runtime,
    definitions: ReadonlyMap<string, SagaDefinition>,
    metrics: SagaMetrics,
    options: OrchestratorOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 200;
    this.leaseTtlMs = options.leaseTtlMs ?? 5_000;
    this.concurrency = options.concurrency ?? 32;
    this.triggers = new TriggerReader(runtime, definitions, metrics);
    this.drive = { runtime, definitions, metrics, shutdown: this.shutdown.signal, mayContinue: () => this.mayWork() };
  }

  /** True while this process holds the lease and is not shutting down. */
  get isLeader(): boolean {
    return this.mayWork();
  }

  /** Sets up the trigger checkpoints and starts the loop (resolves before any work is done). */
  async start(): Promise<void> {
    await this.triggers.init();
    const types = this.triggers.triggerTypes;
    if (types.size > 0) this.unsubscribe = this.runtime.bus.subscribe((events) => events.some((e) => types.has(e.type)) && this.wake());
    this.loop = this.run();
  }

  /** Looks for work now instead of at the next poll (a saga was started in this process). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /**
   * Stops: no new work; an HTTP call in flight is aborted and left to be resumed (its outcome
   * is unknown, so it is dispatched again, same Idempotency-Key); a command in flight
   * finishes and is recorded. Then the lease is given up so another process takes over at once.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribe?.();
    this.shutdown.abort();
    this.wake();
    await this.loop;
    await Promise.allSettled([...this.running.values()]);
    if (this.leaseValidUntil > 0) await this.runtime.store.releaseLease(LEASE, this.owner).catch(() => undefined);
  }

  private mayWork(): boolean {
    return !this.stopped && Date.now() < this.leaseValidUntil;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.woken = false;
      try {
        await this.tick();
      } catch (err) {
        this.runtime.logger.warn({ err }, 'saga orchestrator: poll failed; retrying');
      }
      if (this.stopped) break;
      if (!this.woken) await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  private async tick(): Promise<void> {
    await this.keepLease();
    if (!this.mayWork()) return;
    await this.triggers.poll(() => this.mayWork());
    const free = this.concurrency - this.running.size;
    if (free <= 0) return;
    const now = Date.now();
    const due = await dueSagas(this.runtime.store, this.runtime.store.tables, new Date(now), this.concurrency * 2);
    for (const id of due) {
      if (this.running.size >= this.concurrency || !this.mayWork()) break;
      if (this.running.has(id) || (this.backoff.get(id) ?? 0) > now) continue;
      this.launch(id);
    }
  }

  private async keepLease(): Promise<void> {
    const now = Date.now();
    if (now < this.nextLeaseCheck) return;
    this.nextLeaseCheck = now + Math.max(50, Math.floor(this.leaseTtlMs / 3));
    const wasLeader = this.mayWork();
    let held = false;
    try {
      held = (await this.runtime.store.acquireLease(LEASE, this.owner, this.leaseTtlMs)) !== undefined;
    } finally {
      // Counted from before the request: the database's expiry is never earlier than ours.
      this.leaseValidUntil = held ? now + this.leaseTtlMs : 0;
    }
    if (held && !wasLeader) this.runtime.logger.info({ owner: this.owner }, 'saga orchestrator: this process runs the sagas');
    if (!held && wasLeader) this.runtime.logger.warn({ owner: this.owner }, 'saga orchestrator: lease lost; another process runs the sagas');
  }

  private launch(id: string): void {
    const work = driveSaga(this.drive, id)
      .then((result) => {
        this.backoff.delete(id);
        if (result === 'unknown_saga') {
          this.runtime.logger.warn({ saga_id: id }, 'saga instance of a saga that is no longer configured: left as it is');
          this.backoff.set(id, Date.now() + 60_000);
        }
        return result === 'finished';
      })
      .catch((err: unknown) => {
        this.backoff.set(id, Date.now() + ERROR_BACKOFF_MS);
        this.runtime.logger.warn({ err, saga_id: id }, 'saga instance could not be driven; retrying later');
        return false;
      })
      .then((freedSlot) => {
        this.running.delete(id);
        // A finished instance frees a slot that other due instances may be waiting for.
        if (freedSlot && !this.stopped) this.wake();
      });
    this.running.set(id, work);
  }
}
