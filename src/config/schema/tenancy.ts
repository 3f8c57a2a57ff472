/**
 * `event_store.tenancy` (issue 20 item 1): many tenants in one deployment. "conjoined" puts a
 * tenant_id on every row and lets PostgreSQL row-level security keep tenants apart
 * (src/tenancy); "schema" gives each tenant its own schema and "database" its own database,
 * spread over `shards` (PostgreSQL servers) by a tenant -> shard map kept in the `control`
 * database (src/tenancy/shards). Without the key the store serves one tenant, as before.
 */
import { z } from 'zod';
import { connectionSchema } from './connection.js';
import { duration } from './primitives.js';

export const shardSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'a shard name is 1-63 letters, digits, "_", "." or "-"')
    .describe("the shard's name in the tenant map (never change it once tenants live there)"),
  connection: connectionSchema.describe('PostgreSQL URL or {host, port, database, username, password} of the shard'),
});

export const tenancySchema = z
  .strictObject({
    mode: z
      .enum(['single', 'conjoined', 'schema', 'database'])
      .default('single')
      .describe(
        '"conjoined": every tenant in the same tables, kept apart by a tenant_id and row-level security; "schema": one schema per tenant; "database": one database per tenant, on `shards`; "single" (the default): one tenant (every mode but "single" needs PostgreSQL)',
      ),
    shards: z
      .array(shardSchema)
      .optional()
      .describe(
        '"schema" and "database" modes: the PostgreSQL servers tenants are spread over (schema mode defaults to event_store.connection)',
      ),
    control: connectionSchema
      .optional()
      .describe(
        '"schema" and "database" modes: the database of the tenant registry and the tenant -> shard map (default event_store.connection)',
      ),
    placement: z
      .enum(['least_tenants', 'hash'])
      .optional()
      .describe('how a new tenant gets its shard: the one with the fewest tenants (the default), or a stable hash of its id'),
    idle_timeout: duration
      .optional()
      .describe(
        '"schema" and "database" modes: a tenant runtime that served no request this long and whose background work is done (consumers caught up, no saga timer pending) is closed, and reopens on the next request; 0 keeps runtimes open (default 10 minutes)',
      ),
  })
  .describe('multi-tenancy of the store; the tenant of a request comes from its principal (the JWT tenant claim)');

export type TenancyConfig = z.infer<typeof tenancySchema>;
export type ShardConfig = z.infer<typeof shardSchema>;
