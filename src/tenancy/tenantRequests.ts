/**
 * The tenant of a request in a conjoined store (issue 20): taken from `request.principal.tenant`
 * (the auth hook's, src/auth), and everything the route does runs as that tenant
 * (tenantScope.ts), so the store reads and writes only that tenant's rows. A request without a
 * tenant is refused (TENANT_REQUIRED), except on the routes that hold no tenant's data.
 */
import type { FastifyInstance } from 'fastify';
import { TuskError } from '../errors.js';
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

/** In a conjoined store: runs every route (but the tenant-free ones) as the tenant of its principal. */
export function installTenancy(app: FastifyInstance, conjoined: boolean): void {
  if (!conjoined) return;
  // A callback hook: the rest of the request (handler included) runs inside done(), hence as the tenant.
  app.addHook('preHandler', (request, _reply, done) => {
    const route = request.routeOptions.url;
    if (route === undefined || TENANT_FREE.has(route)) return done();
    const tenant = request.principal?.tenant ?? null;
    if (tenant === null) return done(new TuskError('TENANT_REQUIRED', 'this server is multi-tenant: the token must name a tenant'));
    if (!isTenantName(tenant)) return done(new TuskError('TENANT_INVALID', 'the tenant of the token is not a valid tenant name'));
    runAsTenant(tenant, () => done());
  });
}
