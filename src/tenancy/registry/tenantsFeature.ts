/**
 * The tenant operations over HTTP (issue 20 item 3), `admin` scope like every operator route:
 * `GET /tenants`, `POST /tenants` {id, events_per_second?, storage_bytes?}, `GET /tenants/{id}`,
 * `POST /tenants/{id}/disable|enable`, `PUT /tenants/{id}/quota` {events_per_second?, storage_bytes?},
 * `DELETE /tenants/{id}`, `POST /tenants/{id}/move` {to} and `POST /tenants/{id}/move/abort` (sharded tenancy). `GET /tenants/{id}` says
 * what the tenant stores (with any tenancy mode).
 * `tusk-es tenant …` does the same from the command line.
 */
import type { FastifyInstance } from 'fastify';
import { InvalidInputError, TuskError } from '../../errors.js';
import type { Feature } from '../../runtime/Feature.js';
import type { Runtime } from '../../runtime/Runtime.js';
import { shardRouterOf } from '../shards/shardRouter.js';
import { tenantGate } from './tenantGate.js';
import { conjoined } from '../conjoined.js';
import { tenantId, type Tenant, type TenantQuotas } from './tenantRegistry.js';
import { moveTenant } from '../move/moveTenant.js';
import { abortMove } from '../move/abortMove.js';
import { purgeTenant } from './tenantPurge.js';
import { storageQuotaAllowed, storedUsage } from './tenantUsage.js';

type IdParams = { Params: { id: string } };

/** The quotas a body names (a key left out keeps its value). */
function quotasOf(value: Record<string, unknown>): TenantQuotas {
  const quotas: TenantQuotas = {};
  if ('events_per_second' in value) quotas.events_per_second = value.events_per_second;
  if ('storage_bytes' in value) quotas.storage_bytes = value.storage_bytes;
  return quotas;
}

function body(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new InvalidInputError('the body must be a JSON object', undefined, 'BAD_REQUEST');
  return value as Record<string, unknown>;
}

function routes(app: FastifyInstance, runtime: Runtime): void {
  const gate = tenantGate(runtime.store);
  const { registry } = gate;
  // Every change is seen by this process's auth hook at once (others within its cache time).
  const changed = (tenant: Tenant) => {
    gate.invalidate(tenant.id);
    return tenant;
  };
  app.get('/tenants', async () => ({ tenants: await registry.list() }));
  const isConjoined = conjoined(runtime.model);
  app.post('/tenants', async (request, reply) => {
    const { id, events_per_second, storage_bytes } = body(request.body);
    const tenant = await registry.create(id as string, storageQuotaAllowed(runtime.model, { events_per_second, storage_bytes }));
    // tenancy "schema" / "database": the new tenant gets its place, store and runtime now
    const started = await shardRouterOf(runtime)?.runtimeFor(tenant.id);
    return reply.status(201).send({ ...changed(tenant), ...(started === undefined ? {} : { shard: started.placement.shard }) });
  });
  app.get<IdParams>('/tenants/:id', async (request) => {
    const tenant = await registry.get(request.params.id);
    if (tenant === undefined)
      throw new TuskError('TENANT_NOT_FOUND', `no tenant "${request.params.id}"`, { details: { tenant: request.params.id } });
    // what it stores (a count over the events table): a conjoined store's rows of the tenant, or the tenant's own store
    if (isConjoined) return { ...tenant, stored: await storedUsage(runtime.store, tenant.id) };
    const router = shardRouterOf(runtime);
    if (router === undefined || tenant.status === 'deleted') return tenant;
    // where it lives (a move in progress shows as its state), and what its own store holds
    const place = await router.map.get(tenant.id);
    const at = place === undefined ? {} : { shard: place.shard, ...(place.state === 'active' ? {} : { shard_state: place.state }) };
    // while its shard cannot be reached (or it is being moved) the registry row and its place alone
    const stored = await router.runtimeFor(tenant.id).then(
      (started) => storedUsage(started.runtime.store, undefined),
      () => undefined,
    );
    return stored === undefined ? { ...tenant, ...at } : { ...tenant, ...at, stored };
  });
  app.post<IdParams>('/tenants/:id/disable', async (request) => changed(await registry.setEnabled(request.params.id, false)));
  app.post<IdParams>('/tenants/:id/enable', async (request) => changed(await registry.setEnabled(request.params.id, true)));
  app.put<IdParams>('/tenants/:id/quota', async (request) =>
    changed(await registry.setQuota(request.params.id, storageQuotaAllowed(runtime.model, quotasOf(body(request.body))))),
  );
  const routerOf = () => {
    const router = shardRouterOf(runtime);
    if (router === undefined)
      throw new InvalidInputError(
        'moving a tenant needs event_store.tenancy mode "schema" or "database" (shards)',
        undefined,
        'BAD_REQUEST',
      );
    return router;
  };
  // Online move to another shard (tenancy "schema" / "database"): copy, catch up, short pause, switch.
  app.post<IdParams>('/tenants/:id/move', async (request) => {
    const router = routerOf();
    const { to } = body(request.body);
    if (typeof to !== 'string') throw new InvalidInputError('the body names the target shard: {"to": "<shard>"}', { to }, 'BAD_REQUEST');
    return moveTenant(router, tenantId(request.params.id), to);
  });
  // Undoes a move whose process died (409 TENANT_BUSY while one is alive); nothing stuck: 200, aborted false.
  app.post<IdParams>('/tenants/:id/move/abort', async (request) => abortMove(routerOf(), tenantId(request.params.id)));
  // Deleting refuses the tenant's tokens first (so nothing new is written), then purges its rows (conjoined).
  app.delete<IdParams>('/tenants/:id', async (request) => {
    const tenant = changed(await registry.delete(request.params.id));
    await shardRouterOf(runtime)?.evict(tenant.id);
    if (!isConjoined) return tenant;
    const purged = (await purgeTenant(runtime.store, runtime.model, tenant.id)).rows;
    // its cached states too: Redis would keep them (in plaintext) until their lifetime ends
    const cleared = (await runtime.engine.stateCache?.clearTenant?.(tenant.id)) ?? true;
    if (!cleared)
      throw new TuskError(
        'CACHE_UNAVAILABLE',
        `tenant "${tenant.id}" is deleted and its rows purged, but Redis (cache.url) could not be reached: its cached states stay there until their ttl; repeat the DELETE once Redis is back`,
        { details: { ...tenant, purged, cache_cleared: false } },
      );
    return { ...tenant, purged, ...(runtime.model.cache?.enabled === true ? { cache_cleared: true } : {}) };
  });
}

export const tenantsFeature: Feature = { name: 'tenants', routes };
