/**
 * The tenant half of the auth hook (with `server.auth.jwt.tenant_claim`): a JWT whose tenant
 * is disabled or deleted in the registry gets 403 TENANT_DISABLED; a command of a tenant over
 * its events/s quota gets 429 TENANT_QUOTA_EXCEEDED with Retry-After, one at or over its storage
 * quota 403 TENANT_STORAGE_EXCEEDED; the events a command appended are taken from the quotas when
 * its answer is sent.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../runtime/Runtime.js';
import { tenantGate } from '../tenancy/registry/tenantGate.js';
import { shardRouterOf } from '../tenancy/shards/shardRouter.js';
import type { Tenant } from '../tenancy/registry/tenantRegistry.js';

const COMMAND_ROUTES = new Set(['/aggregates/:type/:id/commands/:command', '/aggregates/:type/commands/:command']);
const rows = new WeakMap<FastifyRequest, Tenant>();

/** Installs the quota charge and returns the admission check the auth hook runs after authentication (undefined: no tenants). */
export function installTenantAdmission(
  app: FastifyInstance,
  runtime: Runtime,
): ((request: FastifyRequest, reply: FastifyReply) => Promise<void>) | undefined {
  if (runtime.model.server.auth?.jwt?.tenant_claim === undefined) return undefined;
  const gate = tenantGate(runtime.store);
  const front = shardRouterOf(runtime) !== undefined;
  app.addHook('preSerialization', async (request, _reply, payload) => {
    const row = rows.get(request);
    const events = (payload as { events?: unknown } | null)?.events;
    if (row === undefined || !Array.isArray(events)) return payload;
    gate.charge(row, events.length);
    // before the answer leaves, so the tenant's next command is checked against these bytes too
    await gate.chargeStorage(
      row,
      (events as Array<{ position?: unknown }>).map((e) => Number(e.position)),
      runtime.store,
    );
    return payload;
  });
  return async (request, reply) => {
    const tenant = request.principal.tenant;
    if (tenant === null) return;
    // Counted in flight (once), waiting first while a move holds the tenant.
    await gate.pauses.enter(tenant, request.raw, (leave) => reply.raw.once('close', leave));
    const row = await gate.admit(tenant);
    const quotas = row !== undefined && (row.events_per_second !== null || row.storage_bytes !== null);
    // A sharded app's front holds no tenant's events: the tenant's runtime checks and charges its quotas.
    if (!quotas || front || !COMMAND_ROUTES.has(request.routeOptions.url ?? '')) return;
    gate.checkQuota(row);
    await gate.checkStorage(row, runtime.store);
    rows.set(request, row);
  };
}
