/**
 * The front of a sharded app (tenancy modes "schema" and "database"): after the auth hook has
 * set `request.principal`, a request for a tenant's data is handed, unparsed, to the server
 * of that tenant's runtime (ShardRouter.runtimeFor), which runs it as a single-tenant app on
 * the tenant's own store. Routes that hold no tenant's data and the tenant operations
 * (/tenants) stay on the front, over the control database.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { closeLiveStreams } from '../../http/liveStream.js';
import type { ShardRouter } from './shardRouter.js';

/** Installs the dispatch hook; `tenantOf` is the request's tenant (undefined: the front serves it), or throws. */
export function installShardDispatch(
  app: FastifyInstance,
  router: ShardRouter,
  tenantOf: (request: FastifyRequest) => string | undefined,
): void {
  app.addHook('onRequest', async (request, reply) => {
    const tenant = tenantOf(request);
    if (tenant === undefined) return;
    // counted in flight (once: the auth hook may have), waiting while a move holds the tenant
    await router.pauses.enter(tenant, request.raw, (leave) => reply.raw.once('close', leave));
    const target = await router.runtimeFor(tenant);
    // The tenant's server reads the body and answers; the front's lifecycle ends here.
    reply.hijack();
    target.app.routing(request.raw, reply.raw);
  });
  // The tenants' SSE connections are the front's sockets: the front waits for them on close, so end them first.
  app.addHook('preClose', (done) => {
    for (const started of router.startedApps()) closeLiveStreams(started.runtime);
    done();
  });
}
