/**
 * The lease that makes a relay run in one process of a cluster: taken, then renewed in the
 * background at a third of its lifetime. Losing it (a renewal that fails or finds another
 * owner) stops deliveries at once; a process that stops gives it up so another takes over.
 */
import type { Logger } from 'pino';
import type { EventStore } from '../store/EventStore.js';

/** One named lease held by one owner. */
export class RelayLease {
  private heldFlag = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: EventStore,
    readonly name: string,
    readonly owner: string,
    private readonly ttlMs: number,
    private readonly logger?: Logger,
  ) {}

  /** True while this owner holds the lease. */
  get held(): boolean {
    return this.heldFlag;
  }

  /** Takes the lease if it is free or expired; true when held afterwards. */
  async acquire(): Promise<boolean> {
    this.heldFlag = await this.take();
    if (this.heldFlag) {
      this.timer ??= setInterval(() => void this.renew(), Math.max(50, Math.floor(this.ttlMs / 3)));
      this.timer.unref();
    }
    return this.heldFlag;
  }

  private async renew(): Promise<void> {
    if (!this.heldFlag) return;
    const kept = await this.take();
    if (!kept && this.heldFlag) this.logger?.warn({ lease: this.name }, 'lost the relay lease; another process delivers now');
    this.heldFlag = kept && this.timer !== undefined;
    if (!this.heldFlag) this.stopTimer();
  }

  private async take(): Promise<boolean> {
    try {
      return await this.store.acquireLease(this.name, this.owner, this.ttlMs);
    } catch {
      // Unable to renew: another process may take it once it expires, so stop delivering now.
      return false;
    }
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Gives the lease up (on shutdown). */
  async release(): Promise<void> {
    this.stopTimer();
    if (!this.heldFlag) return;
    this.heldFlag = false;
    await this.store.releaseLease(this.name, this.owner).catch(() => undefined);
  }
}
