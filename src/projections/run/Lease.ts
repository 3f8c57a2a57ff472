/**
 * A store lease held by this process and renewed in the background at a third of its
 * lifetime: one async worker per projection runs across a cluster, and one rebuild at a time.
 * A renewal that fails or finds another owner drops it; `release` gives it up at once.
 */
import type { EventStore } from '../../store/EventStore.js';

/** One named lease of one owner. */
export class Lease {
  private heldFlag = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: EventStore,
    readonly name: string,
    readonly owner: string,
    private readonly ttlMs: number,
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
    this.heldFlag = (await this.take()) && this.timer !== undefined;
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
