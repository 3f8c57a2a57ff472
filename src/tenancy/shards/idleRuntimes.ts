/**
 * Closing idle tenant runtimes (issue 20; tenancy modes "schema" and "database"): each started
 * tenant holds a pool and its consumers in every process that served it. A runtime that served
 * no request for the plan's `idleMs` (`event_store.tenancy.idle_timeout`, default 10 minutes) is
 * closed and reopens on its next request, unless it still has background work: a request in
 * flight (a live stream), a background loop (a partition of an async projection, saga,
 * publisher or subscriber, the saga scheduler) that did work within that time, or a saga
 * instance waiting for a due time or a deadline (the scheduler must run to fire it). So a
 * tenant whose events are still being projected, published or driven through sagas keeps
 * being served; one whose work is done costs nothing until it is called again.
 */
import { lastBackgroundWork } from '../../consumers/LeasedLoop.js';
import type { ShardRouter, TenantApp } from './shardRouter.js';

/** The idle sweep of one router. */
export class IdleRuntimes {
  private readonly used = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(
    private readonly router: ShardRouter,
    private readonly idleMs: number,
  ) {}

  /** Notes that `tenant` was used now (a request, a start). */
  touch(tenant: string): void {
    this.used.set(tenant, Date.now());
    if (this.idleMs <= 0 || this.timer !== undefined) return;
    this.timer = setInterval(() => void this.sweep(), Math.min(30_000, Math.max(250, this.idleMs / 4)));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** True when `app` has been idle for idleMs: no request, none in flight, no background work. */
  private idle(app: TenantApp): boolean {
    const tenant = app.placement.tenant;
    const last = Math.max(this.used.get(tenant) ?? 0, lastBackgroundWork(app.runtime.store));
    return Date.now() - last >= this.idleMs && this.router.pauses.inFlight(tenant) === 0 && this.router.startedApp(tenant) === app;
  }

  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (const app of this.router.startedApps()) {
        if (!this.idle(app) || (await sagaTimersPending(app).catch(() => true))) continue;
        // again after the query: a request may have come meanwhile
        if (!this.idle(app)) continue;
        this.used.delete(app.placement.tenant);
        void this.router.evict(app.placement.tenant).catch(() => undefined);
      }
    } finally {
      this.sweeping = false;
    }
  }
}

/** True when a saga instance of `app` waits for a due time or a deadline. */
async function sagaTimersPending(app: TenantApp): Promise<boolean> {
  const { model, store } = app.runtime;
  if (Object.keys(model.sagas ?? {}).length === 0) return false;
  const { rows } = await store.query<{ pending: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM ${store.tables.table('saga_instances')}
      WHERE next_due_at IS NOT NULL OR (status = 'running' AND deadline IS NOT NULL)) AS pending`,
  );
  return rows[0]?.pending === true;
}
