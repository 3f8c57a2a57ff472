/**
 * The global log (SPEC §9): `GET /events?after=&limit=&type=` pages through it by position;
 * `GET /events/live` streams it as server-sent events.
 */
import type { FastifyInstance } from 'fastify';
import { toEventJson } from '../../engine/toEventJson.js';
import type { Runtime } from '../../runtime/Runtime.js';
import { intParam, listParam } from '../requestParams.js';
import { streamLive } from '../liveStream.js';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/** Registers /events and /events/live. */
export function registerEventRoutes(app: FastifyInstance, runtime: Runtime): void {
  app.get<{ Querystring: Record<string, unknown> }>('/events', async (request) => {
    const after = intParam(request.query.after, 'after') ?? 0;
    const limit = intParam(request.query.limit, 'limit', { min: 1, max: MAX_LIMIT }) ?? DEFAULT_LIMIT;
    const types = listParam(request.query.type, 'type');
    const stored = await runtime.store.readAll({ after, limit, ...(types !== undefined ? { types } : {}) });
    const events = stored.map((e) => toEventJson(runtime.upcaster(e)));
    return { events, next_after: events.length > 0 ? events[events.length - 1]!.position : after };
  });

  app.get<{ Querystring: Record<string, unknown> }>('/events/live', async (request, reply) => {
    const lastEventId = request.headers['last-event-id'];
    const after =
      intParam(Array.isArray(lastEventId) ? lastEventId[0] : lastEventId, 'Last-Event-ID') ?? intParam(request.query.after, 'after');
    const types = listParam(request.query.type, 'type');
    await streamLive(runtime, request, reply, { ...(after !== undefined ? { after } : {}), ...(types !== undefined ? { types } : {}) });
  });
}
