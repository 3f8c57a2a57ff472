/**
 * One POST operation per aggregate command: its input schema, its headers, the events it can
 * answer with, and each error code it can return, read from its config (creates, require,
 * unique, valid_status_transitions, event schemas, inline projections of its events).
 */
import type { AppConfig } from '../config/schema/app.js';
import type { AggregateConfig, CommandConfig } from '../config/schema/aggregates.js';
import { ERROR_CATALOG, type ErrorCode } from '../errors.js';
import { errorResponses, eventSchema, jsonResponse, param } from './components.js';
import { fieldsSchema } from './fieldSchema.js';
import { getOwn } from '../util/setOwn.js';

type Schema = Record<string, unknown>;

/** The event types a command emits. */
export function emittedTypes(cmd: CommandConfig): string[] {
  return [...new Set(cmd.emit.map((e) => e.type))];
}

// Statuses any request can meet before (or beside) what the route does: a malformed request,
// a store outage, a bug. Every catalog code of these statuses is listed, so a code added to
// the catalog is in the contract at once.
const REQUEST_STATUSES = new Set([400, 500, 503]);
const LOAD_TIME = /^(TSK|CONFIG|EXPR)_/;

/** Codes every route can answer with (bad request, auth, store down, a bug). */
export function commonCodes(model: AppConfig): ErrorCode[] {
  const codes = (Object.keys(ERROR_CATALOG) as ErrorCode[]).filter(
    (c) => REQUEST_STATUSES.has(ERROR_CATALOG[c].status) && (!LOAD_TIME.test(c) || c === 'EXPR_EVALUATION'),
  );
  const auth = model.server.auth;
  return [
    ...codes,
    ...(auth !== undefined ? (['UNAUTHORIZED', 'FORBIDDEN'] as const) : []),
    ...(auth?.jwt?.tenant_claim !== undefined ? (['TENANT_DISABLED'] as const) : []),
    // Multi-tenant modes refuse a principal without a tenant, or with a malformed one.
    ...((model.event_store.tenancy?.mode ?? 'single') !== 'single' ? (['TENANT_REQUIRED', 'TENANT_INVALID'] as const) : []),
  ];
}

/** The error codes command `cmd` of aggregate `agg` can return. */
export function commandCodes(model: AppConfig, agg: AggregateConfig, cmd: CommandConfig): ErrorCode[] {
  const types = emittedTypes(cmd);
  const inlineConsumers = Object.values(model.projections).some(
    (p) => (p.mode ?? model.projection_defaults.mode) === 'inline' && types.some((t) => p.events.includes(t) || t in p.mapping),
  );
  return [
    ...commonCodes(model),
    'INVALID_INPUT',
    'PAYLOAD_TOO_LARGE',
    // the `limits` block: any command's events, state or expressions can pass one
    'EVENT_TOO_LARGE',
    'STATE_TOO_LARGE',
    'STRING_TOO_LONG',
    'NUMBER_OUT_OF_RANGE',
    cmd.creates ? 'STREAM_EXISTS' : 'STREAM_NOT_FOUND',
    'VERSION_CONFLICT',
    'STREAM_DELETED',
    'IDEMPOTENCY_CONFLICT',
    ...(agg.unique.length > 0 ? (['UNIQUE_VIOLATION'] as const) : []),
    ...(cmd.require.length > 0 ? (['RULE_VIOLATION'] as const) : []),
    ...(Object.keys(agg.valid_status_transitions ?? {}).length > 0 ? (['INVALID_TRANSITION'] as const) : []),
    ...(types.some((t) => getOwn(model.events, t)?.schema !== undefined) ? (['EVENT_SCHEMA_VIOLATION'] as const) : []),
    ...(inlineConsumers ? (['PROJECTION_FAILED'] as const) : []),
    ...(model.server.auth?.jwt?.tenant_claim !== undefined ? (['TENANT_QUOTA_EXCEEDED', 'TENANT_STORAGE_EXCEEDED'] as const) : []),
  ];
}

/** The answer's event schema: the command's event types, with their payload schemas when declared. */
function answerEvent(model: AppConfig, types: readonly string[]): Schema {
  const schemas = types.map((t) => getOwn(model.events, t)?.schema);
  const data = schemas.length === 1 && schemas[0] !== undefined ? fieldsSchema(schemas[0], { closed: false }) : {};
  return eventSchema(types, data);
}

/** Idempotency-Key, X-Correlation-Id and X-Causation-Id: visible ASCII only (src/http/requestGuards.ts). */
export const ID_HEADER: Schema = { type: 'string', pattern: '^[!-~]+$' };

/** The headers a command takes. */
export function commandHeaders(): Schema[] {
  return [
    param('If-Match', 'header', 'expected version of the stream, bare or quoted (an ETag); a stale one is 409 VERSION_CONFLICT', {
      type: 'string',
      pattern: '^"?\\d+"?$',
    }),
    param(
      'Idempotency-Key',
      'header',
      'a key seen before answers with the first result and appends nothing; visible ASCII, at most server.id_length_limit',
      ID_HEADER,
    ),
    param('X-Correlation-Id', 'header', "stored in the events' metadata; visible ASCII, at most server.id_length_limit", ID_HEADER),
    param('X-Causation-Id', 'header', "stored in the events' metadata; visible ASCII, at most server.id_length_limit", ID_HEADER),
  ];
}

/** The POST operation of command `name` of aggregate `type`. */
export function commandOperation(
  model: AppConfig,
  type: string,
  name: string,
  agg: AggregateConfig,
  cmd: CommandConfig,
  withId: boolean,
): Schema {
  const types = emittedTypes(cmd);
  const input = fieldsSchema(cmd.input, { closed: true });
  return {
    operationId: `${type}.${name}${withId ? '' : '.new'}`,
    tags: [type],
    summary: `${name}${cmd.creates ? ' (creates the aggregate)' : ''}`,
    description: [cmd.description, `Emits ${types.join(', ')}.`, withId ? '' : 'The server makes the id (UUIDv7).']
      .filter(Boolean)
      .join(' '),
    parameters: [...(withId ? [param('id', 'path', `${type} id`)] : []), ...commandHeaders()],
    requestBody: { required: false, content: { 'application/json': { schema: input } } },
    responses: {
      '200': jsonResponse('the command was accepted', {
        type: 'object',
        required: ['aggregate_id', 'version', 'position', 'events'],
        properties: {
          aggregate_id: { type: 'string' },
          version: { type: 'integer' },
          position: { type: 'integer' },
          events: { type: 'array', items: answerEvent(model, types) },
        },
      }),
      ...errorResponses(commandCodes(model, agg, cmd)),
    },
  };
}

/** Every command's paths: `/aggregates/{type}/{id}/commands/{Command}`, and the id-less one for `creates`. */
export function commandPaths(model: AppConfig): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  for (const [type, agg] of Object.entries(model.aggregates)) {
    for (const [name, cmd] of Object.entries(agg.commands)) {
      out[`/aggregates/${type}/{id}/commands/${name}`] = { post: commandOperation(model, type, name, agg, cmd, true) };
      if (cmd.creates) out[`/aggregates/${type}/commands/${name}`] = { post: commandOperation(model, type, name, agg, cmd, false) };
    }
  }
  return out;
}
