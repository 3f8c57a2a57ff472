/**
 * The tenant of a request in a conjoined store (issue 20): taken from `request.principal.tenant`
 * (the auth hook's, src/auth), and everything the route does runs as that tenant
 * (tenantScope.ts), so the store reads and writes only that tenant's rows. A request without a
 * tenant is refused (TENANT_REQUIRED), except on the routes that hold no tenant's data. In
 * tenancy modes "schema" and "database" the request goes to the tenant's own runtime instead
 * (src/tenancy/shards).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TuskError } from '../errors.js';
import type { Runtime } from '../runtime/Runtime.js';
import { conjoined } from './conjoined.js';
import { installShardDispatch } from './shards/shardDispatch.js';
import { shardRouterOf } from './shards/shardRouter.js';
import { isTenantName, runAsTenant } from './tenantScope.js';

/** Routes (as registered) that serve no tenant's data: health, metrics, the admin page's and the docs' files, the OpenAPI document. */
const TENANT_FREE = new Set([
  '/health',
  '/metrics',
  '/admin',
  '/admin/',
  '/admin/auth',
  '/admin/assets/:file',
  '/docs',
  '/docs/assets/:file',
  '/openapi.json',
]);

/**
 * The tenant a request acts for: undefined on the routes that serve no tenant's data, the
 * tenant operations (/tenants: the registry, which an operator works on as the system; they
 * need the `admin` scope) and an unmatched URL (the 404's); else its principal's tenant, or 403
 * TENANT_REQUIRED / TENANT_INVALID.
 */
export function requestTenant(request: FastifyRequest): string | undefined {
  const route = request.routeOptions.url;
  if (route === undefined || TENANT_FREE.has(route) || route === '/tenants' || route.startsWith('/tenants/')) return undefined;
  const tenant = request.principal?.tenant ?? null;
  if (tenant === null) throw new TuskError('TENANT_REQUIRED', 'this server is multi-tenant: the token must name a tenant');
  if (!isTenantName(tenant)) throw new TuskError('TENANT_INVALID', 'the tenant of the token is not a valid tenant name');
  return tenant;
}

/**
 * In a conjoined store: runs every route (but the tenant-free ones) as the tenant of its
 * principal. In tenancy modes "schema" and "database": hands them to the tenant's runtime.
 */
export function installTenancy(app: FastifyInstance, runtime: Runtime): void {
  const router = shardRouterOf(runtime);
  if (router !== undefined) return installShardDispatch(app, router, requestTenant);
  if (!conjoined(runtime.model)) return;
  // A callback hook: the rest of the request (handler included) runs inside done(), hence as the tenant.
  app.addHook('preHandler', (request, _reply, done) => {
    let tenant: string | undefined;
    try {
      tenant = requestTenant(request);
    } catch (err) {
      return done(err as Error);
    }
    if (tenant === undefined) done();
    else runAsTenant(tenant, () => done());
  });
}
