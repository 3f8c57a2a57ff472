/**
 * The shard layout of an app in tenancy mode "schema" or "database" (issue 20): which
 * PostgreSQL servers tenants live on, where the control database (tenant registry and tenant
 * -> shard map) is, and what store each tenant gets at its place.
 */
import { join } from 'node:path';
import type { AppConfig } from '../../config/schema/index.js';
import type { ConnectionConfig } from '../../config/schema/connection.js';
import type { EventStoreConfig } from '../../config/schema/eventStore.js';
import type { ShardConfig } from '../../config/schema/tenancy.js';
import { TuskError } from '../../errors.js';

/** How long a tenant runtime may sit idle before it is closed, unless `idle_timeout` says otherwise: ten minutes. */
const IDLE_MS = 10 * 60_000;

/** Tenancy modes that give each tenant a store of its own. */
export type ShardedMode = 'schema' | 'database';

/** Where tenants go, resolved from `event_store.tenancy`. */
export interface ShardPlan {
  mode: ShardedMode;
  shards: readonly ShardConfig[];
  control: ConnectionConfig;
  placement: 'least_tenants' | 'hash';
  /** Close a tenant runtime idle this long (ms; 0: never), see idleRuntimes.ts. */
  idleMs: number;
}

/** Where one tenant's store is: a shard and, on it, the tenant's schema or database name. */
export interface TenantLocation {
  shard: string;
  /** The schema (schema mode) or database (database mode) of the tenant on its shard. */
  location: string;
}

/** True when `model` gives each tenant its own schema or database. */
export function sharded(model: AppConfig): boolean {
  const mode = model.event_store.tenancy?.mode;
  return mode === 'schema' || mode === 'database';
}

/** The plan of a sharded `model` (CONFIG_INVALID where `check` would have said so). */
export function shardPlan(model: AppConfig): ShardPlan {
  const store = model.event_store;
  const tenancy = store.tenancy;
  if (tenancy === undefined || (tenancy.mode !== 'schema' && tenancy.mode !== 'database'))
    throw new TuskError('CONFIG_INVALID', 'event_store.tenancy mode is not "schema" or "database"');
  if (store.type !== 'postgresql')
    throw new TuskError('CONFIG_INVALID', `tenancy mode "${tenancy.mode}" needs event_store.type = "postgresql"`);
  const fallback = store.connection;
  const shards = tenancy.shards ?? (tenancy.mode === 'schema' && fallback !== undefined ? [{ name: 'default', connection: fallback }] : []);
  if (shards.length === 0) throw new TuskError('CONFIG_INVALID', `tenancy mode "${tenancy.mode}" needs event_store.tenancy.shards`);
  const control = tenancy.control ?? fallback;
  if (control === undefined) throw new TuskError('CONFIG_INVALID', 'tenancy needs event_store.tenancy.control (or event_store.connection)');
  return { mode: tenancy.mode, shards, control, placement: tenancy.placement ?? 'least_tenants', idleMs: tenancy.idle_timeout ?? IDLE_MS };
}

/** The store of the tenant registry: the control database of a sharded app, else the app's own store. */
export function controlStoreConfig(model: AppConfig): EventStoreConfig {
  if (!sharded(model)) return model.event_store;
  const { tenancy: _tenancy, archive: _archive, ...rest } = model.event_store;
  return { ...rest, connection: shardPlan(model).control };
}

/** `connection` with its database replaced by `database`. */
export function withDatabase(connection: ConnectionConfig, database: string): ConnectionConfig {
  if (typeof connection !== 'string') return { ...connection, database };
  const url = new URL(connection);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** The shard named `name` of `plan` (CONFIG_INVALID for a name the config no longer has). */
export function shardNamed(plan: ShardPlan, name: string): ShardConfig {
  const shard = plan.shards.find((s) => s.name === name);
  if (shard === undefined)
    throw new TuskError('CONFIG_INVALID', `the tenant map names shard "${name}", which event_store.tenancy.shards does not declare`);
  return shard;
}

/** The app model a tenant runs with: the same app on the tenant's own store, a single-tenant one. */
export function tenantModel(model: AppConfig, plan: ShardPlan, at: TenantLocation): AppConfig {
  const shard = shardNamed(plan, at.shard);
  const { tenancy: _tenancy, ...store } = model.event_store;
  const place: Partial<EventStoreConfig> =
    plan.mode === 'schema'
      ? { connection: shard.connection, schema: at.location }
      : { connection: withDatabase(shard.connection, at.location) };
  // Archive files of a tenant stay in a folder of its own, like its tables.
  const archive = store.archive === undefined ? {} : { archive: { ...store.archive, dir: join(store.archive.dir, at.location) } };
  return { ...model, event_store: { ...store, ...place, ...archive } };
}
