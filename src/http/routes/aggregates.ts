/** Aggregate routes (SPEC §9): run commands, read state (latest or temporal), read a stream. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../errors.js';
import { archives } from '../../archive/archiveRules.js';
import { getDefinition } from '../../engine/compileAggregate.js';
import type { CommandResult } from '../../engine/EngineContext.js';
import type { CommandRequest } from '../../engine/handleCommand.js';
import { toEventJson } from '../../engine/toEventJson.js';
import type { Runtime } from '../../runtime/Runtime.js';
import { traceContextOf } from '../../telemetry/traceContext.js';
import { MAX_VERSION, boolParam, headerValue, intParam, parseIfMatch, timeParam } from '../requestParams.js';

interface CommandParams {
  type: string;
  id?: string;
  command: string;
}

/** Registers the /aggregates routes. */
export function registerAggregateRoutes(app: FastifyInstance, runtime: Runtime): void {
  // Not async: the engine's promise goes to fastify as it is (no wrapper promise and its extra
  // ticks per command); a header fault throws here and fastify answers it as the async path would.
  const run = (request: FastifyRequest<{ Params: CommandParams }>): Promise<CommandResult> => {
    const { type, id, command } = request.params;
    const headers = request.headers;
    const trace = traceContextOf(headers);
    const cmd: CommandRequest = {
      aggregateType: type,
      command,
      input: request.body,
      metadata: trace === undefined ? { request_id: request.id } : { request_id: request.id, ...trace },
    };
    if (id !== undefined) cmd.aggregateId = id;
    const expectedVersion = parseIfMatch(headers['if-match']);
    if (expectedVersion !== undefined) cmd.expectedVersion = expectedVersion;
    const idempotencyKey = headerValue(headers['idempotency-key']);
    if (idempotencyKey !== undefined) cmd.idempotencyKey = idempotencyKey;
    const correlationId = headerValue(headers['x-correlation-id']);
    if (correlationId !== undefined) cmd.correlationId = correlationId;
    const causationId = headerValue(headers['x-causation-id']);
    if (causationId !== undefined) cmd.causationId = causationId;
    if (runtime.tracing !== undefined) {
      // the request's span records the command (no `command` span of its own: issue 19, bench/README.md)
      cmd.traceParent = runtime.tracing.requestSpan(request.raw);
      cmd.recordInParent = true;
    }
    return runtime.command(cmd);
  };
  app.post<{ Params: CommandParams }>('/aggregates/:type/:id/commands/:command', run);
  app.post<{ Params: CommandParams }>('/aggregates/:type/commands/:command', run);

  app.get<{ Params: { type: string; id: string }; Querystring: Record<string, unknown> }>(
    '/aggregates/:type/:id',
    async (request, reply) => {
      const version = intParam(request.query.version, 'version', { min: 1, max: MAX_VERSION });
      const asOf = timeParam(request.query.as_of, 'as_of');
      const loaded = await runtime.aggregate(request.params.type, request.params.id, {
        ...(version !== undefined ? { version } : {}),
        ...(asOf !== undefined ? { asOf } : {}),
      });
      void reply.header('etag', `"${loaded.version}"`);
      // Where archival is on: whether the answer folded archived events (README "Archival").
      if (archives(runtime.model))
        void reply.header('tusk-archived', String(await runtime.store.readsArchive(loaded.type, loaded.id, loaded.version)));
      return {
        id: loaded.id,
        type: loaded.type,
        version: loaded.version,
        state: loaded.state,
        ...(loaded.deleted === true ? { deleted: true } : {}),
      };
    },
  );

  app.get<{ Params: { type: string; id: string }; Querystring: Record<string, unknown> }>(
    '/aggregates/:type/:id/events',
    async (request) => {
      const { type, id } = request.params;
      getDefinition(runtime.definitions, type);
      const from = intParam(request.query.from, 'from', { min: 1, max: MAX_VERSION });
      const to = intParam(request.query.to, 'to', { min: 1, max: MAX_VERSION });
      const raw = boolParam(request.query.raw, 'raw') ?? false;
      const stored = await runtime.store.readStream(type, id, {
        ...(from !== undefined ? { fromVersion: from } : {}),
        ...(to !== undefined ? { toVersion: to } : {}),
      });
      if (stored.length === 0 && (await runtime.store.streamVersion(type, id)) === 0) {
        throw new NotFoundError('STREAM_NOT_FOUND', `${type} '${id}' does not exist`);
      }
      return { events: stored.map((e) => toEventJson(raw ? e : runtime.upcaster(e))) };
    },
  );
}
