/** `GET /health` (liveness with a database check, and parked events per consumer) and `GET /metrics` (Prometheus). */
import type { FastifyInstance } from 'fastify';
import { countParked } from '../../consumers/deadLetters/sql/parkedStreams.js';
import type { Runtime } from '../../runtime/Runtime.js';

/** Registers /health and /metrics. */
export function registerHealthRoutes(app: FastifyInstance, runtime: Runtime): void {
  app.get('/health', async (request, reply) => {
    try {
      await runtime.store.health();
      // Events parked or held back per consumer (cluster-wide): the app is up, but they wait for a retry.
      const parked = Object.fromEntries(await countParked(runtime.store, runtime.store.tables));
      return { status: 'ok', details: { parked } };
    } catch (err) {
      request.log.warn({ err }, 'health check failed');
      return reply
        .status(503)
        .send({ status: 'unavailable', error: { code: 'STORE_UNAVAILABLE', message: 'the event store cannot be reached' } });
    }
  });
  app.get('/metrics', async (request, reply) => {
    // a tenant's token sees its own tenant's figures only (a sharded front: see RuntimeMetrics.include)
    const text = await runtime.metrics.exposition(request.principal?.tenant ?? null);
    return reply.type(runtime.metrics.registry.contentType).send(text);
  });
}
