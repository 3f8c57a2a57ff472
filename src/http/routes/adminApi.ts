/**
 * The admin page's own JSON endpoints under /admin/api (behind the API's auth). Everything
 * else the page shows comes from the public routes (/aggregates, /events, /projections,
 * /sagas, /dead-letters). Thin: parsing here, the reads in src/admin/.
 */
import type { FastifyInstance } from 'fastify';
import { InvalidInputError, NotFoundError } from '../../errors.js';
import { getDefinition } from '../../engine/compileAggregate.js';
import { toEventJson } from '../../engine/toEventJson.js';
import { readMetricsSnapshot } from '../../admin/readMetricsSnapshot.js';
import { redactModel } from '../../admin/redactModel.js';
import { countRows } from '../../admin/sql/countRows.js';
import { findStreams } from '../../admin/sql/findStreams.js';
import { listLeases } from '../../admin/sql/listLeases.js';
import { relatedEvents } from '../../admin/sql/relatedEvents.js';
import { storeSize } from '../../admin/sql/storeSize.js';
import { projectionDdl } from '../../projections/tables/projectionDdl.js';
import { projectionSystemOf } from '../../projections/ProjectionSystem.js';
import type { Runtime } from '../../runtime/Runtime.js';
import { redact } from '../../tsk/redact.js';
import { intParam } from '../requestParams.js';

const MAX_LIMIT = 500;

/** Registers /admin/api/*. */
export function registerAdminApiRoutes(app: FastifyInstance, runtime: Runtime): void {
  const { store } = runtime;
  const startedAt = Date.now();

  app.get('/admin/api/metrics', async () => readMetricsSnapshot(runtime.metrics));

  app.get('/admin/api/overview', async () => {
    const [size, leases, head] = await Promise.all([storeSize(store, store.tables), listLeases(store, store.tables), store.headPosition()]);
    const processes = new Set(leases.map((l) => processOf(l.owner)));
    processes.add(String(process.pid));
    return {
      store: { kind: store.kind, ...size, head_position: head },
      fleet: { processes: processes.size, leases },
      process: { pid: process.pid, uptime_s: Math.round((Date.now() - startedAt) / 1000), node: process.version },
    };
  });

  app.get<{ Querystring: Record<string, unknown> }>('/admin/api/streams', async (request) => {
    const type = request.query.type;
    if (typeof type !== 'string' || type === '') throw new InvalidInputError('type must name an aggregate type', undefined, 'BAD_REQUEST');
    getDefinition(runtime.definitions, type);
    const prefix = stringParam(request.query.id, 'id');
    const after = stringParam(request.query.after, 'after');
    const limit = intParam(request.query.limit, 'limit', { min: 1, max: MAX_LIMIT }) ?? 50;
    const streams = await findStreams(store, store.tables, type, prefix, after, limit);
    return { streams, next_after: streams.at(-1)?.aggregate_id ?? null };
  });

  // A stream's version without its state: the streams view pages by it, and folding a stream
  // of 100,000 events (GET /aggregates/...) would hold its first page back for seconds.
  app.get<{ Params: { type: string; id: string } }>('/admin/api/streams/:type/:id', async (request) => {
    const { type, id } = request.params;
    getDefinition(runtime.definitions, type);
    const version = await store.streamVersion(type, id);
    if (version === 0) throw new NotFoundError('STREAM_NOT_FOUND', `${type} '${id}' does not exist`);
    return { type, id, version };
  });

  app.get<{ Querystring: Record<string, unknown> }>('/admin/api/related', async (request) => {
    const id = stringParam(request.query.id, 'id');
    if (id === '') throw new InvalidInputError('id must be an event, correlation or causation id', undefined, 'BAD_REQUEST');
    const limit = intParam(request.query.limit, 'limit', { min: 1, max: MAX_LIMIT }) ?? 200;
    const events = await relatedEvents(store, store.tables, id, limit);
    return { events: events.map((e) => toEventJson(runtime.upcaster(e))) };
  });

  app.get<{ Params: { name: string } }>('/admin/api/projections/:name/count', async (request) => {
    const system = projectionSystemOf(runtime);
    if (system === undefined) throw new NotFoundError('UNKNOWN_PROJECTION', 'no projections are running');
    const projection = system.get(request.params.name);
    return { projection: projection.name, rows: await countRows(store, store.tables.schema, projection.tables.main.name) };
  });

  app.get('/admin/api/config', () => ({
    model: redactModel(runtime.model, runtime.secrets),
    ddl: redact(projectionDdl(runtime.model), runtime.secrets),
    diagnostics: redact(runtime.diagnostics, runtime.secrets),
  }));
}

/**
 * The process a lease owner id names. Features make their owner ids as `<pid>-<uuid>` or
 * `<host>:<pid>:<uuid>`, so the pid before the uuid identifies the process (an estimate across
 * hosts, where two pids may be equal).
 */
function processOf(owner: string): string {
  return /(\d+)[:-][0-9a-f]{8}-[0-9a-f]{4}-/.exec(owner)?.[1] ?? owner;
}

function stringParam(value: unknown, name: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') throw new InvalidInputError(`${name} must be one string`, undefined, 'BAD_REQUEST');
  return value;
}
