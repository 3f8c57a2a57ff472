/**
 * A store lease held by this process and renewed in the background at a third of its
 * lifetime, so that one process of a cluster does a job: an async projection's worker, a
 * rebuild, a relay's deliveries. A renewal that fails or finds another owner drops it (the
 * holder stops at once: another process may take it once it expires); `release` gives it up.
 */
import type { EventStore } from './EventStore.js';

/** One named lease of one owner. */
export class Lease {
  private heldFlag = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: EventStore,
    readonly name: string,
    readonly owner: string,
    private readonly ttlMs: number,
    /** Told when a renewal loses the lease. */
    private readonly onLost?: () => void,
  ) {}

  /** True while this owner holds the lease. */
  get held(): boolean {
    return this.heldFlag;
  }

  /** Takes the lease if it is free, expired or already ours; true when held afterwards. */
  async acquire(): Promise<boolean> {
    this.heldFlag = await this.take();
    if (this.heldFlag && this.timer === undefined) {
      this.timer = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.ttlMs / 3)));
      this.timer.unref();
    }
    return this.heldFlag;
  }

  /** Gives the lease up. */
  async release(): Promise<void> {
    this.stopTimer();
    if (!this.heldFlag) return;
    this.heldFlag = false;
    await this.store.releaseLease(this.name, this.owner).catch(() => undefined);
  }

  private async renew(): Promise<void> {
    if (!this.heldFlag) return;
    const kept = await this.take();
    if (!kept && this.heldFlag) this.onLost?.();
    this.heldFlag = kept && this.timer !== undefined;
    if (!this.heldFlag) this.stopTimer();
  }

  private async take(): Promise<boolean> {
    try {
      return await this.store.acquireLease(this.name, this.owner, this.ttlMs);
    } catch {
      return false;
    }
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
