/** The shared parts of the OpenAPI document: the error envelope, the event shape, headers. */
import { ERROR_CATALOG, type ErrorCode } from '../errors.js';

type Schema = Record<string, unknown>;

/** `#/components/schemas/<name>`. */
export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

/** The event JSON every API answer uses (SPEC §9), optionally with its type and data narrowed. */
export function eventSchema(types?: readonly string[], data: Schema = {}): Schema {
  return {
    type: 'object',
    required: ['id', 'type', 'aggregate_type', 'aggregate_id', 'version', 'position', 'event_version', 'data', 'metadata', 'timestamp'],
    properties: {
      id: { type: 'string' },
      type: types === undefined ? { type: 'string' } : { enum: [...types] },
      aggregate_type: { type: 'string' },
      aggregate_id: { type: 'string' },
      version: { type: 'integer', minimum: 1, description: 'position in the stream' },
      position: { type: 'integer', description: 'global position in the log' },
      event_version: { type: 'integer', minimum: 1, description: 'schema version of data' },
      data,
      metadata: { type: 'object' },
      timestamp: { type: 'string', format: 'date-time' },
      tenant: { type: 'string', description: 'the tenant of the event (multi-tenant apps: reads of the log, live streams, publishers)' },
    },
  };
}

/** The error envelope; `codes` narrows the code to those a response can carry. */
export function errorSchema(codes?: readonly ErrorCode[]): Schema {
  return {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: { code: { enum: codes ?? Object.keys(ERROR_CATALOG) }, message: { type: 'string' }, details: {} },
      },
    },
  };
}

/** The components every document has. */
export function baseComponents(): Record<string, Schema> {
  return {
    Error: errorSchema(),
    Event: eventSchema(),
    EventPage: {
      type: 'object',
      required: ['events'],
      properties: { events: { type: 'array', items: ref('Event') }, next_after: { type: 'integer' } },
    },
  };
}

/** Responses for error codes, grouped by status, each code named in the description. */
export function errorResponses(codes: readonly ErrorCode[]): Record<string, Schema> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ERROR_CATALOG[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, Schema> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    out[String(status)] = {
      description: list.map((c) => `\`${c}\`: ${ERROR_CATALOG[c].description}`).join(' '),
      content: { 'application/json': { schema: errorSchema(list) } },
    };
  }
  // any other failure still answers in the envelope (a status this document does not list is drift)
  out.default = { description: 'another error, in the error envelope', content: { 'application/json': { schema: ref('Error') } } };
  return out;
}

/** A JSON 2xx response. */
export function jsonResponse(description: string, schema: Schema, headers?: Record<string, Schema>): Schema {
  return { description, ...(headers ? { headers } : {}), content: { 'application/json': { schema } } };
}

/** A header or query parameter. */
export function param(
  name: string,
  where: 'header' | 'query' | 'path',
  description: string,
  schema: Schema = { type: 'string' },
  required = where === 'path',
): Schema {
  return { name, in: where, description, required, schema };
}
