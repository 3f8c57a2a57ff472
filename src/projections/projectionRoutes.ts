/**
 * The read-model routes (SPEC §9): list the projections, page through one, read one row by
 * key, rebuild one. Thin: parsing here, the work in ProjectionSystem.
 */
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../errors.js';
import { boolParam } from '../http/requestParams.js';
import type { Runtime } from '../runtime/Runtime.js';
import { parseReadAfter } from './query/parseReadAfter.js';
import { parseRowQuery } from './query/parseRowQuery.js';
import { projectionSystemOf, type ProjectionSystem } from './ProjectionSystem.js';
import { projectionStatus } from './projectionStatus.js';

type Params = { name: string; key: string };

/** Registers /projections routes. */
export function projectionRoutes(app: FastifyInstance, runtime: Runtime): void {
  const system = (): ProjectionSystem => {
    const s = projectionSystemOf(runtime);
    if (s === undefined) throw new NotFoundError('UNKNOWN_PROJECTION', 'no projections are running');
    return s;
  };

  app.get('/projections', async () => ({ projections: await projectionStatus(system()) }));

  app.get<{ Params: Params; Querystring: Record<string, unknown> }>('/projections/:name', async (request) => {
    const query = parseRowQuery(request.query);
    await system().readAfter(request.params.name, parseReadAfter(request.query));
    const rows = await system().rows(request.params.name, query);
    return { rows, limit: query.limit, offset: query.offset };
  });

  app.get<{ Params: Params; Querystring: Record<string, unknown> }>('/projections/:name/:key', async (request) => {
    await system().readAfter(request.params.name, parseReadAfter(request.query));
    return system().row(request.params.name, request.params.key);
  });

  app.post<{ Params: Params; Querystring: Record<string, unknown> }>('/projections/:name/rebuild', async (request, reply) => {
    const s = system();
    const name = request.params.name;
    const { done } = await s.startRebuild(name);
    if (boolParam(request.query.wait, 'wait') === true) {
      const r = await done;
      return {
        projection: r.projection,
        status: 'completed',
        events: r.events,
        position: r.position,
        duration_ms: Math.round(r.durationMs),
      };
    }
    // the outcome is logged and shown by GET /projections; this answer does not wait for it
    const progress = s.rebuildState(name).progress;
    return reply
      .status(202)
      .send({ projection: name, status: 'running', ...(progress === undefined ? {} : { done: progress.done, total: progress.total }) });
  });
}
