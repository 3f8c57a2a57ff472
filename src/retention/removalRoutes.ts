/**
 * Routes of stream deletion: `DELETE /aggregates/{type}/{id}` (soft delete: the tombstone;
 * `?hard=true`: hard delete), `POST /aggregates/{type}/{id}/truncate?before=V`, and the status
 * of queued removals (`GET /removals`, `GET /removals/{id}`). Hard delete and truncate are
 * operator actions: they need `server.auth.tokens`, and answer 202 with the queued removal.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { NotFoundError, TuskError } from '../errors.js';
import { getDefinition } from '../engine/compileAggregate.js';
import { deleteAggregate } from '../engine/deleteAggregate.js';
import { MAX_VERSION, boolParam, intParam } from '../http/requestParams.js';
import type { Runtime } from '../runtime/Runtime.js';
import type { Removal, RemovalKind } from '../store/EventStore.js';
import { removalRunnerOf } from './retentionFeature.js';

/** A removal as the API shows it. */
export function removalJson(r: Removal): Record<string, unknown> {
  return {
    id: r.id,
    kind: r.kind,
    aggregate_type: r.streamType,
    aggregate_id: r.streamId,
    before_version: r.beforeVersion,
    status: r.status,
    events_removed: r.eventsRemoved,
    error: r.error,
    requested_at: r.requestedAt.toISOString(),
    finished_at: r.finishedAt?.toISOString() ?? null,
  };
}

/** Registers the deletion and removal routes. */
export function registerRemovalRoutes(app: FastifyInstance, runtime: Runtime): void {
  const queue = async (reply: FastifyReply, kind: RemovalKind, type: string, id: string, beforeVersion?: number) => {
    const tokens = runtime.model.server.auth?.tokens ?? [];
    if (tokens.length === 0)
      throw new TuskError(
        'OPERATOR_AUTH_REQUIRED',
        `a ${kind === 'delete' ? 'hard delete' : 'truncation'} over HTTP needs server.auth.tokens (or use the tusk-es CLI)`,
      );
    getDefinition(runtime.definitions, type);
    if ((await runtime.store.streamVersion(type, id)) === 0) throw new NotFoundError('STREAM_NOT_FOUND', `${type} '${id}' does not exist`);
    const removal = await runtime.store.requestRemoval({
      kind,
      streamType: type,
      streamId: id,
      ...(beforeVersion !== undefined ? { beforeVersion } : {}),
    });
    removalRunnerOf(runtime)?.waker.wake();
    return reply.status(202).header('location', `/removals/${removal.id}`).send(removalJson(removal));
  };

  app.delete<{ Params: { type: string; id: string }; Querystring: Record<string, unknown> }>(
    '/aggregates/:type/:id',
    async (request, reply) => {
      const { type, id } = request.params;
      if (boolParam(request.query.hard, 'hard') === true) return queue(reply, 'delete', type, id);
      return deleteAggregate(runtime.engine, getDefinition(runtime.definitions, type), id, { request_id: request.id });
    },
  );

  app.post<{ Params: { type: string; id: string }; Querystring: Record<string, unknown> }>(
    '/aggregates/:type/:id/truncate',
    async (request, reply) => {
      const before = intParam(request.query.before, 'before', { min: 2, max: MAX_VERSION });
      if (before === undefined) throw new TuskError('BAD_REQUEST', 'before is required: the events below this version are removed');
      return queue(reply, 'truncate', request.params.type, request.params.id, before);
    },
  );

  app.get<{ Querystring: Record<string, unknown> }>('/removals', async (request) => {
    const limit = intParam(request.query.limit, 'limit', { min: 1, max: 1000 }) ?? 100;
    return { removals: (await runtime.store.listRemovals(limit)).map(removalJson) };
  });

  app.get<{ Params: { id: string } }>('/removals/:id', async (request) => {
    const id = intParam(request.params.id, 'id', { min: 1 });
    const removal = id === undefined ? undefined : await runtime.store.removal(id);
    if (removal === undefined) throw new TuskError('REMOVAL_NOT_FOUND', `no removal ${request.params.id}`);
    return removalJson(removal);
  });
}
