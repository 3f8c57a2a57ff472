/**
 * `tusk-es tenant list|create|disable|enable|quota|delete|move <file.tsk> [id]` (move: `--to <shard>`,
 * or `--abort` to undo a move whose process died): the tenant
 * operations of `/tenants` from the command line, on the app's store. Prints the tenant (or
 * the list) as JSON. Exit 0 done, 1 error (also: a deleted tenant whose states Redis still holds), 2 usage (no id, a malformed id), 3 the tenant is unknown (or already exists, on create).
 */
import { InvalidInputError, isTuskError } from '../errors.js';
import { moveTenant, type TenantMove } from '../tenancy/move/moveTenant.js';
import { abortMove, type MoveAbort } from '../tenancy/move/abortMove.js';
import { ShardRouter } from '../tenancy/shards/shardRouter.js';
import { openEventStore } from '../store/index.js';
import type { EventStore } from '../store/EventStore.js';
import { conjoined } from '../tenancy/conjoined.js';
import { TenantRegistry, tenantId, type TenantQuotas } from '../tenancy/registry/tenantRegistry.js';
import { purgeTenant } from '../tenancy/registry/tenantPurge.js';
import { storageQuotaAllowed } from '../tenancy/registry/tenantUsage.js';
import { placeTenant } from '../tenancy/shards/placement.js';
import { ShardMap } from '../tenancy/shards/shardMap.js';
import { controlStoreConfig, shardPlan, sharded, tenantModel } from '../tenancy/shards/shardPlan.js';
import type { Tenant } from '../tenancy/registry/tenantRegistry.js';
import type { AppConfig } from '../config/schema/index.js';
import { redact } from '../tsk/redact.js';
import { clearTenantStates } from '../cache/clearTenantStates.js';
import { loadOperatorApp } from './loadOperatorApp.js';

/** What `tenant` can do. */
export type TenantAction = 'list' | 'create' | 'disable' | 'enable' | 'quota' | 'delete' | 'move';

/** Options of `tenant`. */
export interface TenantOptions {
  eventsPerSecond?: string;
  storageBytes?: string;
  to?: string;
  /** move: undo a move whose process died instead of starting one. */
  abort?: boolean;
}

/** The quotas the options name ("none" lifts one; an option left out keeps its value). */
function quotasOf(opts: TenantOptions): TenantQuotas {
  const quotas: TenantQuotas = {};
  const value = (v: string) => (v === 'none' ? null : v);
  if (opts.eventsPerSecond !== undefined) quotas.events_per_second = value(opts.eventsPerSecond);
  if (opts.storageBytes !== undefined) quotas.storage_bytes = value(opts.storageBytes);
  return quotas;
}

/** Deletes tenant `id`, then purges its rows on a conjoined store, and its cached states from Redis. */
async function deleteTenant(
  registry: TenantRegistry,
  store: EventStore,
  model: AppConfig,
  id: string,
): Promise<Tenant & { purged?: Record<string, number>; cache_cleared?: boolean }> {
  const tenant = await registry.delete(id);
  if (!conjoined(model)) return tenant;
  const purged = (await purgeTenant(store, model, id)).rows;
  if (model.cache === undefined || !model.cache.enabled) return { ...tenant, purged };
  return { ...tenant, purged, cache_cleared: await clearTenantStates(store, model.cache, id) };
}

/** Runs `tenant <action>` and resolves to the exit code. */
export async function tenantCommand(action: TenantAction, file: string, id: string | undefined, opts: TenantOptions): Promise<number> {
  if (action !== 'list' && id === undefined) {
    process.stderr.write(`tusk-es tenant ${action}: which tenant? (tusk-es tenant ${action} <file> <id>)\n`);
    return 2;
  }
  try {
    if (id !== undefined) tenantId(id);
  } catch (err) {
    process.stderr.write(`tusk-es tenant ${action}: ${(err as Error).message}\n`);
    return 2;
  }
  const app = await loadOperatorApp('tenant', file);
  if (app === undefined) return 1;
  let store: EventStore | undefined;
  try {
    // tenancy "schema" / "database": the registry is in the control database
    store = await openEventStore(controlStoreConfig(app.model));
    const registry = new TenantRegistry(store);
    const quotas = storageQuotaAllowed(app.model, quotasOf(opts));
    const result =
      action === 'list'
        ? { tenants: await registry.list() }
        : action === 'create'
          ? await placed(app.model, store, await registry.create(id!, quotas))
          : action === 'quota'
            ? await registry.setQuota(id!, quotas)
            : action === 'delete'
              ? await deleteTenant(registry, store, app.model, id!)
              : action === 'move'
                ? await moveFromCli(app.model, store, id!, opts)
                : await registry.setEnabled(id!, action === 'enable');
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if ('cache_cleared' in result && result.cache_cleared === false) {
      process.stderr.write(
        `tusk-es tenant delete: the tenant is deleted, but Redis (cache.url) could not be reached: its cached states stay there until their ttl; run the delete again once Redis is back\n`,
      );
      return 1;
    }
    return 0;
  } catch (err) {
    process.stderr.write(`tusk-es tenant ${action}: ${redact(err instanceof Error ? err.message : String(err), app.secrets)}\n`);
    return isTuskError(err) && (err.code === 'TENANT_NOT_FOUND' || err.code === 'TENANT_EXISTS') ? 3 : 1;
  } finally {
    await store?.close();
  }
}

/**
 * `tenant move`: the move of POST /tenants/{id}/move, run by this process against the control
 * database and the shards while the servers run: they read the map's state, hold the tenant's
 * requests and close its runtime for the switch (src/tenancy/move/moveTenant.ts).
 */
async function moveFromCli(model: AppConfig, control: EventStore, id: string, opts: TenantOptions): Promise<TenantMove | MoveAbort> {
  if (!sharded(model)) throw new InvalidInputError('moving a tenant needs event_store.tenancy mode "schema" or "database" (shards)');
  const router = new ShardRouter(model, shardPlan(model), control, () => Promise.reject(new Error('no tenant runtime runs in the CLI')));
  if (opts.abort === true) {
    if (opts.to !== undefined) throw new InvalidInputError('--abort undoes a stuck move: it takes no --to');
    const aborted = await abortMove(router, id);
    process.stderr.write(`tusk-es tenant move --abort: ${aborted.message}\n`);
    return aborted;
  }
  if (opts.to === undefined) throw new InvalidInputError('which shard? (--to <shard>, or --abort to undo a move whose process died)');
  return moveTenant(router, id, opts.to);
}

/** A new tenant of a sharded app gets its place, and its store is created and migrated there. */
async function placed(model: AppConfig, control: EventStore, tenant: Tenant): Promise<Tenant & { shard?: string }> {
  if (!sharded(model)) return tenant;
  const plan = shardPlan(model);
  const at = await placeTenant(new ShardMap(control), plan, model.event_store, tenant.id);
  await (await openEventStore(tenantModel(model, plan, at).event_store)).close();
  return { ...tenant, shard: at.shard };
}
