/**
 * The documented routes other than commands, keyed by the route as fastify registers it
 * (`GET /projections/:name`). A route builder may give one path per declared thing (a
 * projection, a saga) so clients see its name and its filters.
 */
import { archives } from '../archive/archiveRules.js';
import type { AppConfig } from '../config/schema/app.js';
import type { ErrorCode } from '../errors.js';
import { commandCodes, commandHeaders, commonCodes, ID_HEADER } from './commandOperations.js';
import { errorResponses, jsonResponse, param, ref } from './components.js';
import { REMOVAL_DOCS } from './removalOperations.js';
import { getOwn } from '../util/setOwn.js';

type Schema = Record<string, unknown>;
/** OpenAPI path → operation, for one registered route. */
export type RouteDoc = (model: AppConfig) => Record<string, Schema>;

/** An object schema with no other properties. */
export const obj = (properties: Record<string, Schema> = {}, required: string[] = []): Schema => ({
  type: 'object',
  properties,
  ...(required.length > 0 ? { required } : {}),
});
/** A dead letter as GET /dead-letters lists it (src/consumers/deadLetters/deadLetterJson.ts). */
const DEAD_LETTER: Schema = obj(
  {
    id: { type: 'integer' },
    consumer: { type: 'string', description: 'publisher:<relay>, projection:<name> or saga-trigger:<saga>' },
    relay: { type: ['string', 'null'], description: "a publisher's relay, else null" },
    status: { type: 'string', enum: ['skipped', 'parked', 'held'] },
    position: { type: 'integer' },
    event_id: { type: 'string' },
    event_type: { type: 'string' },
    aggregate_type: { type: 'string' },
    aggregate_id: { type: 'string' },
    attempts: { type: 'integer' },
    error: { type: 'string' },
    failed_at: { type: 'string', format: 'date-time' },
    event: { type: ['object', 'null'] },
  },
  ['id', 'consumer', 'status', 'position', 'event_type', 'aggregate_type', 'aggregate_id', 'attempts', 'error'],
);
// Read-your-writes (issue 15): wait until the projection passed a position, 504 past `wait`.
const fresh = [
  param('min_position', 'query', 'answer only once the projection passed this log position', { type: 'integer', minimum: 0 }),
  param('wait', 'query', 'how long to wait for min_position (ms); 504 PROJECTION_BEHIND past it', { type: 'integer', minimum: 0 }),
];
const page = [
  param('limit', 'query', 'page size (1-1000, default 100)', { type: 'integer', minimum: 1, maximum: 1000 }),
  param('offset', 'query', 'rows to skip', { type: 'integer', minimum: 0 }),
];

/** One operation: its summary, its 2xx answers, and its error codes besides those of every route. */
export function op(model: AppConfig, summary: string, ok: Schema, codes: ErrorCode[], extra: Schema = {}): Schema {
  return { summary, ...extra, responses: { ...ok, ...errorResponses([...commonCodes(model), ...codes]) } };
}

const stateSchema = (model: AppConfig, type?: string): Schema =>
  obj(
    {
      id: { type: 'string' },
      type: type === undefined ? { type: 'string' } : { const: type },
      version: { type: 'integer' },
      state: {
        type: 'object',
        ...(type === undefined ? {} : { description: `initial: ${JSON.stringify(getOwn(model.aggregates, type)?.state ?? {})}` }),
      },
      deleted: { const: true, description: 'present when the aggregate was soft-deleted (read-only)' },
    },
    ['id', 'type', 'version', 'state'],
  );

/** Docs of every route tusk-es itself registers. */
export const ROUTE_DOCS: Record<string, RouteDoc> = {
  'POST /aggregates/:type/:id/commands/:command': (m) => ({
    '/aggregates/{type}/{id}/commands/{command}': {
      post: {
        summary: 'run any command (the per-command paths document each one)',
        tags: ['aggregates'],
        parameters: [
          param('type', 'path', 'aggregate type'),
          param('id', 'path', 'aggregate id'),
          param('command', 'path', 'command name'),
          ...commandHeaders(),
        ],
        requestBody: { required: false, content: { 'application/json': { schema: { type: 'object' } } } },
        responses: {
          '200': jsonResponse(
            'accepted',
            obj({ events: { type: 'array', items: ref('Event') } }, ['aggregate_id', 'version', 'position', 'events']),
          ),
          ...errorResponses(anyCommandCodes(m)),
        },
      },
    },
  }),
  'POST /aggregates/:type/commands/:command': (m) => ({
    '/aggregates/{type}/commands/{command}': {
      post: {
        summary: 'run any `creates` command; the server makes the id',
        tags: ['aggregates'],
        parameters: [param('type', 'path', 'aggregate type'), param('command', 'path', 'command name'), ...commandHeaders()],
        requestBody: { required: false, content: { 'application/json': { schema: { type: 'object' } } } },
        responses: {
          '200': jsonResponse(
            'accepted',
            obj({ events: { type: 'array', items: ref('Event') } }, ['aggregate_id', 'version', 'position', 'events']),
          ),
          ...errorResponses(anyCommandCodes(m)),
        },
      },
    },
  }),
  'GET /aggregates/:type/:id': (m) =>
    perName(Object.keys(m.aggregates), '/aggregates/{type}/{id}', '/aggregates/%s/{id}', (type) =>
      op(
        m,
        type === undefined ? 'state of an aggregate' : `state of a ${type}`,
        {
          '200': jsonResponse('the state; ETag is the version', stateSchema(m, type), {
            ETag: { description: 'the version, quoted', schema: { type: 'string' } },
            ...(archives(m)
              ? {
                  'tusk-archived': {
                    description: '"true" when the state folded archived events (read through the archive), else "false"',
                    schema: { type: 'string', enum: ['true', 'false'] },
                  },
                }
              : {}),
          }),
        },
        ['UNKNOWN_AGGREGATE_TYPE', 'STREAM_NOT_FOUND', 'HISTORY_TRUNCATED'],
        {
          tags: [type ?? 'aggregates'],
          parameters: [
            ...(type === undefined ? [param('type', 'path', 'aggregate type')] : []),
            param('id', 'path', 'aggregate id'),
            param('version', 'query', 'state as of this version', { type: 'integer', minimum: 1 }),
            param('as_of', 'query', 'state as of this time (ISO-8601)', { type: 'string', format: 'date-time' }),
          ],
        },
      ),
    ),
  'GET /aggregates/:type/:id/events': (m) => ({
    '/aggregates/{type}/{id}/events': {
      get: op(
        m,
        'the events of a stream, upcast',
        { '200': jsonResponse('the stream', obj({ events: { type: 'array', items: ref('Event') } }, ['events'])) },
        ['UNKNOWN_AGGREGATE_TYPE', 'STREAM_NOT_FOUND'],
        {
          tags: ['aggregates'],
          parameters: [
            param('type', 'path', 'aggregate type'),
            param('id', 'path', 'aggregate id'),
            param('from', 'query', 'first version', { type: 'integer', minimum: 1 }),
            param('to', 'query', 'last version', { type: 'integer', minimum: 1 }),
            param('raw', 'query', 'the stored form, not upcast', { type: 'boolean' }),
          ],
        },
      ),
    },
  }),
  'GET /events': (m) => ({
    '/events': {
      get: op(m, 'the global log by position', { '200': jsonResponse('a page of events', ref('EventPage')) }, [], {
        tags: ['events'],
        parameters: [
          param('after', 'query', 'position to read after', { type: 'integer', minimum: 0 }),
          param('limit', 'query', 'page size (1-1000)', { type: 'integer', minimum: 1, maximum: 1000 }),
          param('type', 'query', 'event types (comma list)'),
        ],
      }),
    },
  }),
  'GET /events/live': (m) => ({
    '/events/live': {
      get: op(
        m,
        'the global log as server-sent events',
        {
          '200': {
            description: 'an SSE stream; each event is the event JSON, its id the position',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
        },
        [],
        {
          tags: ['events'],
          parameters: [
            param('Last-Event-ID', 'header', 'resume after this position'),
            param('after', 'query', 'position to start after', { type: 'integer' }),
            param('type', 'query', 'event types (comma list)'),
          ],
        },
      ),
    },
  }),
  'GET /projections': (m) => ({
    '/projections': {
      get: op(
        m,
        'the projections with their mode, checkpoint, lag and rebuild state',
        { '200': jsonResponse('the projections', obj({ projections: { type: 'array', items: { type: 'object' } } }, ['projections'])) },
        [],
        { tags: ['projections'] },
      ),
    },
  }),
  'GET /projections/:name': (m) =>
    perName(Object.keys(m.projections), '/projections/{name}', '/projections/%s', (name) =>
      op(
        m,
        name === undefined ? 'rows of a projection' : `rows of ${name}`,
        {
          '200': jsonResponse(
            'a page of rows',
            obj({ rows: { type: 'array', items: rowSchema(m, name) }, limit: { type: 'integer' }, offset: { type: 'integer' } }, [
              'rows',
              'limit',
              'offset',
            ]),
          ),
        },
        ['UNKNOWN_PROJECTION', 'PROJECTION_BEHIND'],
        {
          tags: ['projections'],
          parameters: [
            ...(name === undefined ? [param('name', 'path', 'projection name')] : []),
            ...page,
            ...fresh,
            param('order', 'query', 'columns to sort by, `-` first for descending (comma list)'),
            ...filterParams(m, name),
          ],
        },
      ),
    ),
  'GET /projections/:name/:key': (m) =>
    perName(Object.keys(m.projections), '/projections/{name}/{key}', '/projections/%s/{key}', (name) =>
      op(
        m,
        name === undefined ? 'one row by key' : `one row of ${name}`,
        { '200': jsonResponse('the row', rowSchema(m, name)) },
        ['UNKNOWN_PROJECTION', 'ROW_NOT_FOUND', 'PROJECTION_BEHIND'],
        {
          tags: ['projections'],
          parameters: [
            ...(name === undefined ? [param('name', 'path', 'projection name')] : []),
            param('key', 'path', 'the row key'),
            ...fresh,
          ],
        },
      ),
    ),
  'POST /projections/:name/rebuild': (m) => ({
    '/projections/{name}/rebuild': {
      post: op(
        m,
        'rebuild a projection from the log',
        {
          '200': jsonResponse(
            'with ?wait=true: the rebuild is done',
            obj(
              {
                projection: { type: 'string' },
                status: { const: 'completed' },
                events: { type: 'integer' },
                position: { type: 'integer' },
                duration_ms: { type: 'integer' },
              },
              ['projection', 'status'],
            ),
          ),
          '202': jsonResponse(
            'the rebuild started',
            obj({ projection: { type: 'string' }, status: { const: 'running' }, done: { type: 'integer' }, total: { type: 'integer' } }, [
              'projection',
              'status',
            ]),
          ),
        },
        ['UNKNOWN_PROJECTION', 'REBUILD_RUNNING'],
        {
          tags: ['projections'],
          parameters: [
            param('name', 'path', 'projection name'),
            param('wait', 'query', 'answer when the rebuild is done', { type: 'boolean' }),
          ],
        },
      ),
    },
  }),
  'POST /sagas/:name': (m) =>
    perName(
      Object.keys(m.sagas),
      '/sagas/{name}',
      '/sagas/%s',
      (name) =>
        op(
          m,
          name === undefined ? 'start a saga' : `start ${name}`,
          {
            '202': jsonResponse('started (Location: the instance)', obj({ saga_id: { type: 'string' } }, ['saga_id']), {
              Location: { description: 'the saga instance', schema: { type: 'string' } },
            }),
          },
          ['UNKNOWN_SAGA', 'IDEMPOTENCY_CONFLICT', 'PAYLOAD_TOO_LARGE'],
          {
            tags: ['sagas'],
            parameters: [
              ...(name === undefined ? [param('name', 'path', 'saga name')] : []),
              param('Idempotency-Key', 'header', 'a key seen before answers with the same saga; visible ASCII', ID_HEADER),
            ],
            requestBody: {
              required: false,
              content: {
                'application/json': {
                  schema: { type: 'object', description: 'the saga data (`aggregate_id` is the target of steps without one)' },
                },
              },
            },
          },
        ),
      'post',
    ),
  'GET /sagas/:name': (m) =>
    perName(Object.keys(m.sagas), '/sagas/{name}', '/sagas/%s', (name) =>
      op(
        m,
        name === undefined ? 'saga instances' : `instances of ${name}`,
        {
          '200': jsonResponse(
            'a page of instances',
            obj({ sagas: { type: 'array', items: { type: 'object' } }, limit: { type: 'integer' }, offset: { type: 'integer' } }, [
              'sagas',
            ]),
          ),
        },
        ['UNKNOWN_SAGA'],
        {
          tags: ['sagas'],
          parameters: [
            ...(name === undefined ? [param('name', 'path', 'saga name')] : []),
            param('status', 'query', 'statuses (comma list)'),
            ...page,
          ],
        },
      ),
    ),
  'GET /sagas/:name/:id': (m) => ({
    '/sagas/{name}/{id}': {
      get: op(
        m,
        'a saga instance: status and step log',
        {
          '200': jsonResponse(
            'the instance',
            obj(
              {
                saga_id: { type: 'string' },
                name: { type: 'string' },
                status: { enum: ['running', 'compensating', 'completed', 'compensated', 'failed', 'timed_out'] },
                steps: { type: 'array', items: { type: 'object' } },
              },
              ['saga_id', 'name', 'status', 'steps'],
            ),
          ),
        },
        ['UNKNOWN_SAGA'],
        {
          tags: ['sagas'],
          parameters: [param('name', 'path', 'saga name'), param('id', 'path', 'saga id')],
        },
      ),
    },
  }),
  'GET /dead-letters': (m) => ({
    '/dead-letters': {
      get: op(
        m,
        'events a consumer (publisher, subscriber, async projection, saga) gave up on: skipped, parked, or held back behind a parked one',
        {
          '200': jsonResponse(
            'a page of dead letters',
            obj({ dead_letters: { type: 'array', items: DEAD_LETTER }, next_after: { type: 'integer' } }, ['dead_letters']),
          ),
        },
        [],
        {
          tags: ['operation'],
          parameters: [
            param('after', 'query', 'id to read after', { type: 'integer', minimum: 0 }),
            param('limit', 'query', 'page size (1-1000)', { type: 'integer', minimum: 1, maximum: 1000 }),
            param('consumer', 'query', 'one consumer: publisher:<relay>, projection:<name>, saga-trigger:<saga>'),
            param('relay', 'query', 'one publisher or subscriber (same as consumer=publisher:<relay>)'),
            param('status', 'query', 'skipped, parked or held', { type: 'string', enum: ['skipped', 'parked', 'held'] }),
          ],
        },
      ),
    },
  }),
  'POST /dead-letters/:id/retry': (m) => ({
    '/dead-letters/{id}/retry': {
      post: op(
        m,
        'hand a dead letter to its consumer again (re-apply into the projection, start the saga, deliver again); a parked one releases the events held back behind it',
        {
          '200': jsonResponse(
            'the outcome of the retry',
            obj(
              {
                id: { type: 'integer' },
                consumer: { type: 'string' },
                relay: { type: ['string', 'null'] },
                delivered: { const: true },
                event: { type: ['object', 'null'] },
                released: {
                  type: 'array',
                  items: { type: 'integer' },
                  description: 'positions handled: the dead letter, then the held-back events it released',
                },
              },
              ['id', 'consumer', 'delivered', 'released'],
            ),
          ),
        },
        ['DEAD_LETTER_NOT_FOUND', 'DEAD_LETTER_HELD', 'RELAY_NOT_CONFIGURED', 'PUBLISH_FAILED', 'PROJECTION_FAILED'],
        { tags: ['operation'], parameters: [param('id', 'path', 'dead letter id', { type: 'integer', minimum: 1 })] },
      ),
    },
  }),
  'DELETE /subjects/:id': (m) => ({
    '/subjects/{id}': {
      delete: op(
        m,
        'forget a data subject: destroy its key (its personal fields read as erased from now on), scrub personal projection columns, record a $SubjectForgotten event',
        {
          '200': jsonResponse(
            'what was destroyed',
            obj(
              {
                subject: { type: 'string' },
                keys_destroyed: { type: 'integer', description: 'subject keys destroyed (0 when forgotten before)' },
                streams: { type: 'integer', description: 'streams holding personal fields of the subject' },
                projection_updates: { type: 'integer', description: 'statements that recomputed personal projection columns' },
                position: { type: 'integer', description: 'log position of the $SubjectForgotten event' },
              },
              ['subject', 'keys_destroyed', 'streams', 'projection_updates', 'position'],
            ),
          ),
        },
        ['SUBJECT_NOT_FOUND', 'STORE_UNAVAILABLE'],
        { tags: ['personal data'], parameters: [param('id', 'path', 'the subject, as its personal_data.subject expression names it')] },
      ),
    },
  }),
  'GET /health': () => ({
    '/health': {
      get: {
        summary: 'liveness with a database check',
        tags: ['operation'],
        responses: {
          '200': jsonResponse(
            'up',
            obj(
              {
                status: { const: 'ok' },
                details: obj(
                  {
                    parked: {
                      type: 'object',
                      additionalProperties: { type: 'integer' },
                      description: 'consumer → events parked or held back, waiting for a retry (only consumers that have some)',
                    },
                  },
                  ['parked'],
                ),
              },
              ['status'],
            ),
          ),
          '503': jsonResponse(
            'the store cannot be reached',
            obj({ status: { const: 'unavailable' }, error: { type: 'object' } }, ['status']),
          ),
        },
      },
    },
  }),
  'GET /metrics': (m) => ({
    '/metrics': {
      get: op(
        m,
        'Prometheus metrics',
        { '200': { description: 'text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } } },
        [],
        { tags: ['operation'] },
      ),
    },
  }),
  'GET /openapi.json': (m) => ({
    '/openapi.json': {
      get: op(m, 'this document', { '200': jsonResponse('OpenAPI 3.1', { type: 'object' }) }, [], { tags: ['operation'] }),
    },
  }),
  'GET /docs/assets/:file': (m) => ({
    '/docs/assets/{file}': {
      get: op(
        m,
        'a file of the reference page (from swagger-ui-dist)',
        {
          '200': {
            description: 'CSS or JavaScript',
            content: { 'text/css': { schema: { type: 'string' } }, 'application/javascript': { schema: { type: 'string' } } },
          },
        },
        ['NOT_FOUND'],
        {
          tags: ['operation'],
          parameters: [param('file', 'path', 'swagger-ui.css or swagger-ui-bundle.js')],
        },
      ),
    },
  }),
  'GET /docs': (m) => ({
    '/docs': {
      get: op(
        m,
        'the API reference page (Swagger UI, served locally)',
        { '200': { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } } },
        [],
        { tags: ['operation'] },
      ),
    },
  }),
  ...REMOVAL_DOCS,
};

/** Every code any command can return (the generic command route). */
function anyCommandCodes(m: AppConfig): ErrorCode[] {
  const all: ErrorCode[] = ['UNKNOWN_AGGREGATE_TYPE', 'UNKNOWN_COMMAND', 'STREAM_NOT_FOUND', 'STREAM_EXISTS'];
  for (const agg of Object.values(m.aggregates)) for (const cmd of Object.values(agg.commands)) all.push(...commandCodes(m, agg, cmd));
  return [...new Set(all)];
}

/** The generic path, plus one path per declared name (`%s` replaced) with the same operation narrowed to it. */
function perName(
  names: readonly string[],
  generic: string,
  each: string,
  build: (name?: string) => Schema,
  method = 'get',
): Record<string, Schema> {
  const out: Record<string, Schema> = { [generic]: { [method]: build() } };
  for (const n of names) out[each.replace('%s', encodeURIComponent(n))] = { [method]: build(n) };
  return out;
}

function rowSchema(m: AppConfig, name?: string): Schema {
  const p = name === undefined ? undefined : getOwn(m.projections, name);
  if (p?.columns === undefined) return { type: 'object' };
  return { type: 'object', properties: Object.fromEntries(Object.entries(p.columns).map(([c, t]) => [c, { description: t }])) };
}

function filterParams(m: AppConfig, name?: string): Schema[] {
  const p = name === undefined ? undefined : getOwn(m.projections, name);
  if (p === undefined) return [];
  const columns = new Set([
    p.key,
    ...Object.keys(p.columns ?? {}),
    ...Object.values(p.mapping).flatMap((x) => Object.keys(x.fields ?? {})),
  ]);
  return [...columns].map((c) => param(c, 'query', `rows whose ${c} equals this (repeat for any of several values)`));
}
