/**
 * POST /sagas/{name} (start) and GET /sagas/{name}/{id} (status and step log), SPEC §9; and
 * GET /sagas/{name} (the instances, from the saga_instances index).
 */
import type { FastifyInstance } from 'fastify';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import { stableHash } from '../engine/stableHash.js';
import { uuidv7 } from '../engine/uuidv7.js';
import { headerValue, intParam, listParam } from '../http/requestParams.js';
import type { Runtime } from '../runtime/Runtime.js';
import type { SagaDefinition } from './compileSaga.js';
import { getSagaSystem } from './SagaSystem.js';
import { sagaIdForKey } from './sagaIds.js';
import { loadSaga } from './sagaStream.js';
import { sagaView } from './sagaView.js';
import { listSagas } from './sql/listSagas.js';
import { startSaga } from './startSaga.js';

const STATUSES = ['running', 'compensating', 'completed', 'compensated', 'failed', 'timed_out'];

/** Registers the saga routes. */
export function registerSagaRoutes(app: FastifyInstance, runtime: Runtime): void {
  const definition = (name: string): SagaDefinition => {
    const def = getSagaSystem(runtime)?.definitions.get(name);
    if (def === undefined) throw new NotFoundError('UNKNOWN_SAGA', `unknown saga '${name}'`);
    return def;
  };

  app.post<{ Params: { name: string } }>('/sagas/:name', async (request, reply) => {
    const def = definition(request.params.name);
    const body = request.body ?? {};
    if (typeof body !== 'object' || Array.isArray(body))
      throw new InvalidInputError('the saga data must be a JSON object', undefined, 'BAD_REQUEST');
    const data = body as Record<string, unknown>;
    const key = headerValue(request.headers['idempotency-key']);
    const id = key === undefined ? uuidv7() : sagaIdForKey(def.name, key);
    const fingerprint = stableHash(data);
    const given = data.aggregate_id;
    const aggregateId =
      typeof given === 'string' && given !== '' ? given : typeof given === 'number' && Number.isFinite(given) ? String(given) : null;
    const system = getSagaSystem(runtime)!;
    const created = await startSaga(runtime.store, def, { id, data, aggregateId, trigger: null, fingerprint });
    if (created) {
      system.metrics.sagaStarted(def.name);
      system.scheduler.wake();
    } else {
      const existing = await loadSaga(runtime.store, id);
      if (existing?.fingerprint !== fingerprint) {
        throw new ConflictError('IDEMPOTENCY_CONFLICT', 'this Idempotency-Key already started this saga with other data', {
          idempotency_key: key,
          saga_id: id,
        });
      }
    }
    void reply.status(202).header('location', `/sagas/${encodeURIComponent(def.name)}/${id}`);
    return { saga_id: id };
  });

  app.get<{ Params: { name: string }; Querystring: Record<string, unknown> }>('/sagas/:name', async (request) => {
    const def = definition(request.params.name);
    const statuses = listParam(request.query.status, 'status');
    const unknown = statuses?.find((s) => !STATUSES.includes(s));
    if (unknown !== undefined)
      throw new InvalidInputError(`status must be one of ${STATUSES.join(', ')}, got '${unknown}'`, undefined, 'BAD_REQUEST');
    const limit = intParam(request.query.limit, 'limit', { min: 1, max: 1000 }) ?? 100;
    const offset = intParam(request.query.offset, 'offset') ?? 0;
    return { sagas: await listSagas(runtime.store, runtime.store.tables, def.name, statuses, limit, offset), limit, offset };
  });

  app.get<{ Params: { name: string; id: string } }>('/sagas/:name/:id', async (request) => {
    const { name, id } = request.params;
    const def = definition(name);
    const state = await loadSaga(runtime.store, id);
    if (state === undefined || state.name !== name) throw new NotFoundError('UNKNOWN_SAGA', `saga '${name}' has no instance '${id}'`);
    return sagaView(state, def);
  });
}
