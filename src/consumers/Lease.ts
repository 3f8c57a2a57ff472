/**
 * A store lease held by this process and renewed in the background at a third of its
 * lifetime, so that one process of a cluster does a job: a partition of a consumer, a rebuild.
 * A renewal that fails or finds another owner drops it (the holder stops at once: another
 * process may take it once it expires); `release` gives it up. Each time the lease changes
 * owner its fencing token grows; `fence` checks owner and token inside the transaction of a
 * write, so a holder that was paused past its lease (and is still unaware) writes nothing.
 */
import type { EventStore, SqlExecutor } from '../store/EventStore.js';

/** Thrown by `fence` when this process no longer holds the lease. */
export class LeaseLost extends Error {
  constructor(readonly lease: string) {
    super(`lease ${lease} was lost: another process holds it`);
    this.name = 'LeaseLost';
  }
}

/** One named lease of one owner. */
export class Lease {
  private token: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: EventStore,
    readonly name: string,
    readonly owner: string,
    private readonly ttlMs: number,
    /** Told when a renewal (or a fence) finds the lease lost. */
    private readonly onLost?: () => void,
  ) {}

  /** True while this owner holds the lease (as far as this process knows). */
  get held(): boolean {
    return this.token !== undefined;
  }

  /** Takes the lease if it is free, expired or already ours; true when held afterwards. */
  async acquire(): Promise<boolean> {
    this.token = await this.take();
    if (this.token !== undefined && this.timer === undefined) {
      this.timer = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.ttlMs / 3)));
      this.timer.unref();
    }
    return this.token !== undefined;
  }

  /** Inside `tx`: throws LeaseLost unless this owner still holds the lease; keeps it until `tx` ends. */
  async fence(tx: SqlExecutor): Promise<void> {
    const token = this.token;
    if (token !== undefined && (await this.store.holdsLease(tx, this.name, this.owner, token))) return;
    if (this.token === token) this.lose();
    throw new LeaseLost(this.name);
  }

  /** Gives the lease up. */
  async release(): Promise<void> {
    this.stopTimer();
    if (this.token === undefined) return;
    this.token = undefined;
    await this.store.releaseLease(this.name, this.owner).catch(() => undefined);
  }

  private async renew(): Promise<void> {
    if (this.token === undefined) return;
    const token = await this.take();
    if (this.token === undefined || this.timer === undefined) return;
    // Another token means another owner had it in between: what we did under ours is fenced.
    if (token !== this.token) this.lose();
  }

  private lose(): void {
    const wasHeld = this.token !== undefined;
    this.token = undefined;
    this.stopTimer();
    if (wasHeld) this.onLost?.();
  }

  private async take(): Promise<number | undefined> {
    try {
      return await this.store.acquireLease(this.name, this.owner, this.ttlMs);
    } catch {
      return undefined;
    }
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
