/**
 * A short pause of one tenant's requests (a tenant move's switch, src/tenancy/move): the auth
 * hook counts each tenant's requests in flight, and while the tenant is paused its new requests
 * wait (they are not refused) until it resumes. `pause` resolves once the requests admitted
 * before it have answered, so nothing of the tenant is being written when the caller goes on.
 */
import { TuskError } from '../../errors.js';

/** How long a paused request waits before it gets 503 (a move's pause is far shorter). */
const WAIT_MS = 60_000;

interface Paused {
  resumed: Promise<void>;
  resume: () => void;
}

/** The pauses and the in-flight counts of this process's tenants. */
export class TenantPause {
  private readonly paused = new Map<string, Paused>();
  private readonly inFlight = new Map<string, number>();

  /** Waits while `tenant` is paused (503 STORE_UNAVAILABLE after WAIT_MS), then counts a request of it in flight until `done` fires. */
  async enter(tenant: string, onDone: (leave: () => void) => void): Promise<void> {
    for (let pause = this.paused.get(tenant); pause !== undefined; pause = this.paused.get(tenant)) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), WAIT_MS)));
      const outcome = await Promise.race([pause.resumed, timeout]);
      clearTimeout(timer);
      if (outcome === 'timeout')
        throw new TuskError('STORE_UNAVAILABLE', `tenant "${tenant}" is paused (being moved); try again`, { details: { tenant } });
    }
    this.inFlight.set(tenant, (this.inFlight.get(tenant) ?? 0) + 1);
    let left = false;
    onDone(() => {
      if (left) return;
      left = true;
      const n = (this.inFlight.get(tenant) ?? 1) - 1;
      if (n <= 0) this.inFlight.delete(tenant);
      else this.inFlight.set(tenant, n);
    });
  }

  /**
   * Pauses `tenant`'s new requests and resolves once those in flight have answered; throws (and
   * resumes) when they have not within `drainMs`.
   */
  async pause(tenant: string, drainMs: number): Promise<void> {
    if (this.paused.has(tenant)) throw new TuskError('TENANT_BUSY', `tenant "${tenant}" is already paused by another operation`);
    let resume!: () => void;
    const resumed = new Promise<void>((r) => (resume = r));
    this.paused.set(tenant, { resumed, resume });
    const deadline = Date.now() + drainMs;
    while ((this.inFlight.get(tenant) ?? 0) > 0) {
      if (Date.now() > deadline) {
        this.resume(tenant);
        throw new TuskError('TENANT_BUSY', `tenant "${tenant}" still had requests in flight after ${drainMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Lets `tenant`'s waiting and new requests through again. */
  resume(tenant: string): void {
    const pause = this.paused.get(tenant);
    this.paused.delete(tenant);
    pause?.resume();
  }
}
