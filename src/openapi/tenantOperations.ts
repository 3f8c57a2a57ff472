/** The OpenAPI operations of the tenant registry routes (src/tenancy/registry/tenantsFeature.ts). */
import type { AppConfig } from '../config/schema/app.js';
import { jsonResponse, param } from './components.js';
import { obj, op } from './readOperations.js';

type Schema = Record<string, unknown>;
type RouteDoc = (model: AppConfig) => Record<string, Schema>;

const TENANT = obj(
  {
    id: { type: 'string' },
    status: { type: 'string', enum: ['active', 'disabled', 'deleted'] },
    events_per_second: { type: ['integer', 'null'], description: 'events/s quota per process; null = none' },
    storage_bytes: { type: ['integer', 'null'], description: 'bytes of event data and metadata the tenant may store; null = none' },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
  },
  ['id', 'status', 'events_per_second', 'storage_bytes', 'created_at', 'updated_at'],
);
/** GET /tenants/{id}: the tenant and, with tenancy, what it stores now. */
const TENANT_WITH_USAGE = obj(
  {
    ...(TENANT.properties as Record<string, Schema>),
    shard: { type: 'string', description: 'tenancy "schema" / "database": the shard the tenant lives on' },
    shard_state: { type: 'string', description: 'present while the tenant is being moved ("copying", "moving")' },
    stored: obj({ events: { type: 'integer' }, bytes: { type: 'integer', description: 'pg_column_size of data + metadata' } }, [
      'events',
      'bytes',
    ]),
  },
  TENANT.required as string[],
);
/** DELETE /tenants/{id}: the tombstone, and on a conjoined store the rows purged per table. */
const TENANT_PURGED = obj(
  {
    ...(TENANT.properties as Record<string, Schema>),
    purged: { type: 'object', additionalProperties: { type: 'integer' }, description: 'rows removed, by table' },
    cache_cleared: { type: 'boolean', description: "with the Redis cache: the tenant's cached states were dropped from it" },
  },
  TENANT.required as string[],
);
/** POST /tenants/{id}/move: what the move did (src/tenancy/move/moveTenant.ts). */
const TENANT_MOVE = obj(
  {
    tenant: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    events: { type: 'integer', description: "events in the tenant's log at the switch" },
    position: { type: 'integer', description: 'the last position at the switch (positions keep their values)' },
    tables: { type: 'object', additionalProperties: { type: 'integer' }, description: 'rows copied during the pause, by table' },
    paused_ms: { type: 'integer', description: "how long the tenant's requests were paused" },
  },
  ['tenant', 'from', 'to', 'events', 'position', 'tables', 'paused_ms'],
);
/** POST /tenants/{id}/move/abort: what the abort found and did (src/tenancy/move/abortMove.ts). */
const MOVE_ABORT = obj(
  {
    tenant: { type: 'string' },
    shard: { type: 'string', description: 'the shard the tenant is active on afterwards' },
    found: { type: 'string', description: 'the state the abort found: copying, moving, or active (nothing was stuck)' },
    aborted: { type: 'boolean', description: 'true when a stuck move was undone' },
    unfenced: { type: 'integer', description: 'tables of the old place whose fence was taken down' },
    message: { type: 'string' },
  },
  ['tenant', 'shard', 'found', 'aborted', 'unfenced', 'message'],
);
const QUOTA = { type: ['integer', 'null'], minimum: 1 };
const tags = ['tenants'];
const id = [param('id', 'path', 'tenant id (what the tenant claim of its tokens holds)')];
const body = (properties: Record<string, Schema>, required: string[]) => ({
  requestBody: { required: true, content: { 'application/json': { schema: obj(properties, required) } } },
});
const change = (m: AppConfig, summary: string, extra: Schema = {}) =>
  op(m, summary, { '200': jsonResponse('the tenant', TENANT) }, ['TENANT_NOT_FOUND'], { tags, parameters: id, ...extra });

/** Route key (`METHOD /url`) → its OpenAPI path entries. */
export const TENANT_ROUTE_DOCS: Record<string, RouteDoc> = {
  'GET /tenants': (m) => ({
    '/tenants': {
      get: op(
        m,
        'the tenant registry (deleted tenants as tombstones)',
        { '200': jsonResponse('the tenants', obj({ tenants: { type: 'array', items: TENANT } }, ['tenants'])) },
        [],
        { tags },
      ),
    },
  }),
  'POST /tenants': (m) => ({
    '/tenants': {
      post: op(m, 'create a tenant', { '201': jsonResponse('the tenant', TENANT) }, ['TENANT_EXISTS'], {
        tags,
        ...body({ id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$' }, events_per_second: QUOTA, storage_bytes: QUOTA }, [
          'id',
        ]),
      }),
    },
  }),
  'GET /tenants/:id': (m) => ({
    '/tenants/{id}': {
      get: op(
        m,
        'one tenant (with tenancy: what it stores)',
        { '200': jsonResponse('the tenant', TENANT_WITH_USAGE) },
        ['TENANT_NOT_FOUND'],
        { tags, parameters: id },
      ),
    },
  }),
  'DELETE /tenants/:id': (m) => ({
    '/tenants/{id}': {
      delete: op(
        m,
        'delete a tenant: its tokens get 403 TENANT_DISABLED, its id is never reused; on a conjoined store its rows are purged',
        { '200': jsonResponse('the tenant (tombstone)', TENANT_PURGED) },
        ['CACHE_UNAVAILABLE'],
        { tags, parameters: id },
      ),
    },
  }),
  'POST /tenants/:id/disable': (m) => ({
    '/tenants/{id}/disable': { post: change(m, 'disable a tenant: its tokens get 403 TENANT_DISABLED') },
  }),
  'POST /tenants/:id/enable': (m) => ({ '/tenants/{id}/enable': { post: change(m, 'enable a disabled tenant again') } }),
  'POST /tenants/:id/move': (m) => ({
    '/tenants/{id}/move': {
      post: op(
        m,
        'move a tenant to another shard online (tenancy "schema" or "database"): copy, catch up, a short pause of its requests, switch',
        { '200': jsonResponse('what the move did', TENANT_MOVE) },
        ['TENANT_BUSY'],
        { tags, parameters: id, ...body({ to: { type: 'string', description: 'the target shard' } }, ['to']) },
      ),
    },
  }),
  'POST /tenants/:id/move/abort': (m) => ({
    '/tenants/{id}/move/abort': {
      post: op(
        m,
        'undo a tenant move whose process died: the fence of its old place taken down, the tenant active there again (nothing stuck: 200, aborted false)',
        { '200': jsonResponse('what the abort found and did', MOVE_ABORT) },
        ['TENANT_BUSY', 'TENANT_NOT_FOUND'],
        { tags, parameters: id },
      ),
    },
  }),
  'PUT /tenants/:id/quota': (m) => ({
    '/tenants/{id}/quota': {
      put: change(
        m,
        "set a tenant's quotas (null = none; a quota left out keeps its value)",
        body({ events_per_second: QUOTA, storage_bytes: QUOTA }, []),
      ),
    },
  }),
};
