/**
 * Holding one tenant's requests in this process (a tenant move's switch, src/tenancy/move): the
 * front counts each tenant's requests in flight, and while the tenant is held its new requests
 * wait (they are not refused) until it is resumed, or get 503 TENANT_MOVING with Retry-After
 * after WAIT_MS. The router holds a tenant when the map says it is `moving` (every front of a
 * fleet reads the map), waits for `drained`, closes its runtime and resumes it after the switch.
 */
import type { IncomingMessage } from 'node:http';
import { TuskError } from '../../errors.js';

/** How long a held request waits before it gets 503 (a move's pause is far shorter). */
const WAIT_MS = 30_000;

interface Held {
  resumed: Promise<void>;
  resume: () => void;
}

/** The holds and the in-flight counts of this process's tenants. */
export class TenantPause {
  private readonly held = new Map<string, Held>();
  private readonly inFlightCounts = new Map<string, number>();
  private readonly entered = new WeakSet<IncomingMessage>();

  /**
   * Waits while `tenant` is held (503 TENANT_MOVING after WAIT_MS), then counts `request` in flight
   * until `onDone` fires. A request is counted once, whoever calls (a sharded app's front and the
   * tenant's own server see the same one).
   */
  async enter(tenant: string, request: IncomingMessage, onDone: (leave: () => void) => void): Promise<void> {
    if (this.entered.has(request)) return;
    for (let hold = this.held.get(tenant); hold !== undefined; hold = this.held.get(tenant)) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), WAIT_MS)));
      const outcome = await Promise.race([hold.resumed, timeout]);
      clearTimeout(timer);
      if (outcome === 'timeout')
        throw new TuskError('TENANT_MOVING', `tenant "${tenant}" is being moved to another shard; try again`, {
          details: { tenant, retry_after: 1 },
        });
    }
    this.entered.add(request);
    this.inFlightCounts.set(tenant, (this.inFlightCounts.get(tenant) ?? 0) + 1);
    let left = false;
    onDone(() => {
      if (left) return;
      left = true;
      const n = (this.inFlightCounts.get(tenant) ?? 1) - 1;
      if (n <= 0) this.inFlightCounts.delete(tenant);
      else this.inFlightCounts.set(tenant, n);
    });
  }

  /** How many requests of `tenant` are in flight in this process. */
  inFlight(tenant: string): number {
    return this.inFlightCounts.get(tenant) ?? 0;
  }

  /** True while `tenant`'s new requests are held. */
  isHeld(tenant: string): boolean {
    return this.held.has(tenant);
  }

  /** Holds `tenant`'s new requests (those in flight go on); holding a held tenant changes nothing. */
  hold(tenant: string): void {
    if (this.held.has(tenant)) return;
    let resume!: () => void;
    const resumed = new Promise<void>((r) => (resume = r));
    this.held.set(tenant, { resumed, resume });
  }

  /** Resolves true once no request of `tenant` is in flight, false when some still are after `ms`. */
  async drained(tenant: string, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while ((this.inFlightCounts.get(tenant) ?? 0) > 0) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 5));
    }
    return true;
  }

  /** Lets `tenant`'s waiting and new requests through again. */
  resume(tenant: string): void {
    const hold = this.held.get(tenant);
    this.held.delete(tenant);
    hold?.resume();
  }
}
