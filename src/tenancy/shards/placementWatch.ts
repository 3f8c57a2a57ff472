/**
 * Every front of a sharded fleet follows the map's state of the tenants it serves (issue 20: a
 * fleet-wide pause for a move). A process reads the rows of its running and held tenants every
 * WATCH_MS: a tenant the map says is `moving` is held (its new requests wait, TenantPause), its
 * live streams are ended, its requests in flight finish (up to DRAIN_MS) and its runtime is
 * closed, so its consumers stop too; once the map says `active` again it is resumed, and a
 * runtime whose place is no longer the map's is closed (its next request opens the new place).
 * A tenant not running here reads the map when its runtime starts (waitWhileMoving).
 * What makes the switch safe is the move's fence on the old place (src/tenancy/move/fence.ts);
 * this watch keeps clients from meeting it.
 */
import { TuskError } from '../../errors.js';
import { closeLiveStreams } from '../../http/liveStream.js';
import type { Placement, ShardMap } from './shardMap.js';
import type { ShardRouter } from './shardRouter.js';

/** How often a process reads the map's rows of its tenants. */
export const WATCH_MS = 250;
/** How long requests in flight at a hold may take before the runtime is closed under them. */
const DRAIN_MS = 10_000;
/** How long a runtime start waits for a move to end before 503 TENANT_MOVING. */
const WAIT_MS = 30_000;
/** How often a waiting start reads the map. */
const POLL_MS = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `placement`, or once the map no longer says `moving`, its new row (503 TENANT_MOVING after WAIT_MS). */
export async function waitWhileMoving(map: ShardMap, tenant: string, placement: Placement): Promise<Placement> {
  const deadline = Date.now() + WAIT_MS;
  let now = placement;
  while (now.state === 'moving') {
    if (Date.now() > deadline)
      throw new TuskError('TENANT_MOVING', `tenant "${tenant}" is being moved to another shard; try again`, {
        details: { tenant, retry_after: 1 },
      });
    await sleep(POLL_MS);
    now = (await map.get(tenant)) ?? now;
  }
  return now;
}

/** The map watch of one router. */
export class PlacementWatch {
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  /** Tenants this watch holds (it resumes them). */
  private readonly holding = new Set<string>();
  /** Tenants whose requests in flight are being waited for. */
  private readonly draining = new Set<string>();

  constructor(private readonly router: ShardRouter) {}

  /** Starts watching (idempotent); it stops by itself when no tenant runs or is held. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.tick(), WATCH_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const tenants = [...new Set([...this.router.running(), ...this.holding])];
      if (tenants.length === 0) return this.stop();
      const rows = await this.router.map.getMany(tenants);
      for (const tenant of tenants) {
        const row = rows.get(tenant);
        if (row !== undefined) this.follow(tenant, row);
      }
    } catch {
      // the control database is unreachable: try again at the next tick
    } finally {
      this.ticking = false;
    }
  }

  private follow(tenant: string, row: Placement): void {
    const { pauses } = this.router;
    if (row.state === 'moving') {
      if (!this.holding.has(tenant)) void this.quiesce(tenant);
      // a runtime that finished starting as the move began
      else if (!this.draining.has(tenant) && this.router.startedApp(tenant) !== undefined) void this.router.evict(tenant);
      return;
    }
    if (this.holding.delete(tenant)) pauses.resume(tenant);
    const app = this.router.startedApp(tenant);
    if (app !== undefined && (app.placement.shard !== row.shard || app.placement.location !== row.location)) void this.router.evict(tenant);
  }

  /** Holds `tenant`, lets its requests in flight finish and closes its runtime. */
  private async quiesce(tenant: string): Promise<void> {
    const { pauses } = this.router;
    this.holding.add(tenant);
    this.draining.add(tenant);
    pauses.hold(tenant);
    const app = this.router.startedApp(tenant);
    if (app !== undefined) closeLiveStreams(app.runtime);
    await pauses.drained(tenant, DRAIN_MS);
    this.draining.delete(tenant);
    // a runtime still starting reads the map once started, and closes itself
    if (this.router.startedApp(tenant) !== undefined) await this.router.evict(tenant).catch(() => undefined);
  }
}
