/** The documented routes of stream deletion and removals (src/retention/removalRoutes.ts). */
import type { AppConfig } from '../config/schema/app.js';
import type { ErrorCode } from '../errors.js';
import { commonCodes } from './commandOperations.js';
import { errorResponses, jsonResponse, param } from './components.js';

type Schema = Record<string, unknown>;

const removalSchema: Schema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    kind: { enum: ['delete', 'truncate', 'purge'] },
    aggregate_type: { type: 'string' },
    aggregate_id: { type: 'string' },
    before_version: { type: ['integer', 'null'] },
    status: { enum: ['pending', 'running', 'done', 'failed'] },
    events_removed: { type: 'integer' },
    error: { type: ['string', 'null'] },
    requested_at: { type: 'string', format: 'date-time' },
    finished_at: { type: ['string', 'null'], format: 'date-time' },
  },
  required: ['id', 'kind', 'aggregate_type', 'aggregate_id', 'status', 'events_removed'],
};

const queued = (what: string): Schema =>
  jsonResponse(`${what} is queued; GET the Location for its status`, removalSchema, {
    Location: { description: 'the removal', schema: { type: 'string' } },
  });
const stream = [param('type', 'path', 'aggregate type'), param('id', 'path', 'aggregate id')];

function op(m: AppConfig, summary: string, ok: Record<string, Schema>, codes: ErrorCode[], extra: Schema): Schema {
  return { summary, tags: ['aggregates'], ...extra, responses: { ...ok, ...errorResponses([...commonCodes(m), ...codes]) } };
}

/** Route docs keyed like ROUTE_DOCS. */
export const REMOVAL_DOCS: Record<string, (m: AppConfig) => Record<string, Schema>> = {
  'DELETE /aggregates/:type/:id': (m) => ({
    '/aggregates/{type}/{id}': {
      delete: op(
        m,
        'soft delete: append the $deleted tombstone (the aggregate is read-only afterwards); ?hard=true queues a hard delete (operator)',
        {
          '200': jsonResponse('deleted', {
            type: 'object',
            properties: {
              id: { type: 'string' },
              type: { type: 'string' },
              version: { type: 'integer' },
              position: { type: 'integer' },
              deleted: { const: true },
            },
            required: ['id', 'type', 'version', 'deleted'],
          }),
          '202': queued('with ?hard=true: the hard delete'),
        },
        ['UNKNOWN_AGGREGATE_TYPE', 'STREAM_NOT_FOUND', 'STREAM_DELETED', 'VERSION_CONFLICT', 'OPERATOR_AUTH_REQUIRED'],
        {
          parameters: [
            ...stream,
            param('hard', 'query', 'remove every event and the read-model rows, in the background (needs server.auth.tokens)', {
              type: 'boolean',
            }),
          ],
        },
      ),
    },
  }),
  'POST /aggregates/:type/:id/truncate': (m) => ({
    '/aggregates/{type}/{id}/truncate': {
      post: op(
        m,
        'queue a truncation: the events below `before` go, a closing snapshot keeps the state (operator)',
        { '202': queued('the truncation') },
        ['UNKNOWN_AGGREGATE_TYPE', 'STREAM_NOT_FOUND', 'OPERATOR_AUTH_REQUIRED'],
        {
          parameters: [
            ...stream,
            param('before', 'query', 'the events below this version are removed', { type: 'integer', minimum: 2 }, true),
          ],
        },
      ),
    },
  }),
  'GET /removals': (m) => ({
    '/removals': {
      get: op(
        m,
        'the newest removals (hard deletes, truncations) and their status',
        {
          '200': jsonResponse('removals, newest first', {
            type: 'object',
            properties: { removals: { type: 'array', items: removalSchema } },
            required: ['removals'],
          }),
        },
        [],
        {
          parameters: [param('limit', 'query', 'how many (1-1000, default 100)', { type: 'integer', minimum: 1, maximum: 1000 })],
        },
      ),
    },
  }),
  'GET /removals/:id': (m) => ({
    '/removals/{id}': {
      get: op(m, 'one removal and its status', { '200': jsonResponse('the removal', removalSchema) }, ['REMOVAL_NOT_FOUND'], {
        parameters: [param('id', 'path', 'removal id', { type: 'integer', minimum: 1 })],
      }),
    },
  }),
};
