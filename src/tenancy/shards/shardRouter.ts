/**
 * The per-tenant runtimes of tenancy modes "schema" and "database" (issue 20): each tenant runs
 * the whole app (store, projections, sagas, publishers, consumers, routes) on its own schema
 * or database, started on its first request from the tenant -> shard map and kept until
 * evicted. A tenant whose shard cannot be reached gets 503 STORE_UNAVAILABLE; the next request
 * after RETRY_MS tries again, so its tenants recover when the shard returns, without a restart.
 * The router follows the map's state of its tenants (PlacementWatch): a tenant being moved is
 * held and its runtime closed, and a tenant that moved is served from its new place.
 */
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../../config/schema/index.js';
import { StoreUnavailableError, isTuskError } from '../../errors.js';
import type { EventStore } from '../../store/EventStore.js';
import { toStoreError } from '../../store/storeErrors.js';
import type { Runtime } from '../../runtime/Runtime.js';
import { TenantPause } from '../registry/tenantPause.js';
import { placeTenant } from './placement.js';
import { ShardMap, type Placement } from './shardMap.js';
import { PlacementWatch, waitWhileMoving } from './placementWatch.js';
import { IdleRuntimes } from './idleRuntimes.js';
import { tenantModel, type ShardPlan } from './shardPlan.js';

/** A started app of one tenant: its runtime and its (not listening) HTTP server. */
export interface TenantApp {
  runtime: Runtime;
  app: FastifyInstance;
  placement: Placement;
  close(): Promise<void>;
}

/** Starts the app `model` describes (`tenant`'s, at its place); startApp provides it. */
export type TenantAppFactory = (
  model: AppConfig,
  tenant: string,
) => Promise<{ runtime: Runtime; app: FastifyInstance; close(): Promise<void> }>;

// After a failed start, requests of the tenant fail fast for this long before the next attempt.
const RETRY_MS = 1_000;

/** The tenant map and the tenants' runtimes of one process. */
export class ShardRouter {
  readonly map: ShardMap;
  private readonly apps = new Map<string, Promise<TenantApp>>();
  private readonly started = new Map<string, TenantApp>();
  private readonly failures = new Map<string, { error: Error; until: number }>();
  private closed = false;
  private readonly watch: PlacementWatch;
  private readonly idle: IdleRuntimes;

  /** `pauses`: where the tenants' requests are held (the front's tenant gate's, so the auth hook waits on them). */
  constructor(
    readonly model: AppConfig,
    readonly plan: ShardPlan,
    /** The control database (the map, the registry, a move's lease). */
    readonly control: EventStore,
    private readonly start: TenantAppFactory,
    readonly pauses: TenantPause = new TenantPause(),
  ) {
    this.map = new ShardMap(control);
    this.watch = new PlacementWatch(this);
    this.idle = new IdleRuntimes(this, plan.idleMs);
  }

  /** The place of `tenant`, placing it by the declared policy when it has none. */
  place(tenant: string): Promise<Placement> {
    return placeTenant(this.map, this.plan, this.model.event_store, tenant);
  }

  /** The started app of `tenant`, starting it (and placing the tenant) when needed. */
  runtimeFor(tenant: string): Promise<TenantApp> {
    this.idle.touch(tenant);
    const running = this.apps.get(tenant);
    if (running !== undefined) return running;
    const failed = this.failures.get(tenant);
    if (failed !== undefined && failed.until > Date.now()) return Promise.reject(failed.error);
    if (this.closed) return Promise.reject(new StoreUnavailableError('the server is shutting down'));
    const starting = this.open(tenant);
    this.apps.set(tenant, starting);
    this.watch.start();
    starting.then(
      (app) => {
        this.failures.delete(tenant);
        if (this.apps.get(tenant) === starting) this.started.set(tenant, app);
      },
      (error: unknown) => {
        if (this.apps.get(tenant) === starting) this.apps.delete(tenant);
        this.failures.set(tenant, { error: error instanceof Error ? error : new Error(String(error)), until: Date.now() + RETRY_MS });
      },
    );
    return starting;
  }

  /** The tenants whose app runs (or is starting) in this process. */
  running(): string[] {
    return [...this.apps.keys()];
  }

  /** The tenant apps that have started. */
  startedApps(): TenantApp[] {
    return [...this.started.values()];
  }

  /** The started app of `tenant`, if any. */
  startedApp(tenant: string): TenantApp | undefined {
    return this.started.get(tenant);
  }

  /** Closes the app of `tenant` (when running): its next request starts it again at the map's current place. */
  async evict(tenant: string): Promise<void> {
    const running = this.apps.get(tenant);
    this.apps.delete(tenant);
    this.started.delete(tenant);
    this.failures.delete(tenant);
    const app = await running?.catch(() => undefined);
    await app?.close();
  }

  /** Closes every tenant's app (on shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    this.watch.stop();
    this.idle.stop();
    await Promise.all([...this.apps.keys()].map((tenant) => this.evict(tenant)));
  }

  /**
   * Starts `tenant`'s app at its place, once the map says it is not being moved; the map is read
   * again after the start, so a runtime whose move began meanwhile is closed before it serves
   * (what it may have written before the move's fence is copied).
   */
  private async open(tenant: string): Promise<TenantApp> {
    let placement: Placement | undefined;
    try {
      for (;;) {
        placement = await waitWhileMoving(this.map, tenant, await this.place(tenant));
        const started = await this.start(tenantModel(this.model, this.plan, placement), tenant);
        const now = await this.map.get(tenant).catch(async (err: unknown) => {
          await started.close();
          throw err;
        });
        if (now === undefined || (now.state !== 'moving' && now.shard === placement.shard && now.location === placement.location))
          return { ...started, placement };
        await started.close();
      }
    } catch (err) {
      const error = toStoreError(err);
      if (isTuskError(error) && error.code === 'STORE_UNAVAILABLE' && placement !== undefined)
        throw new StoreUnavailableError(`the shard "${placement.shard}" of tenant "${tenant}" cannot be reached`, err);
      throw error;
    }
  }
}

const routers = new WeakMap<Runtime, ShardRouter>();

/** The router of the control runtime of a sharded app (undefined in other modes). */
export function shardRouterOf(runtime: Runtime): ShardRouter | undefined {
  return routers.get(runtime);
}

/** Makes `router` the one of `runtime` (startApp, before the server is built). */
export function setShardRouter(runtime: Runtime, router: ShardRouter): void {
  routers.set(runtime, router);
}
