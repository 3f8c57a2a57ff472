/**
 * Placing a new tenant (issue 20): the declared policy picks its shard, its schema or database
 * gets a name derived from its id, and in database mode the database is created on the shard.
 * (The tenant's store then creates and migrates its tables when it first opens.)
 */
import { createHash } from 'node:crypto';
import type { EventStoreConfig } from '../../config/schema/eventStore.js';
import { storeCall } from '../../store/storeErrors.js';
import { pgOptions } from '../../store/index.js';
import { quoteIdent } from '../../store/quoteIdent.js';
import { sqlState } from '../../store/SqlClient.js';
import type { Placement, ShardMap } from './shardMap.js';
import { shardNamed, type ShardPlan, type TenantLocation } from './shardPlan.js';

/** The shard a new `tenant` goes to under `plan.placement`, given each shard's tenant count. */
export function chooseShard(plan: Pick<ShardPlan, 'shards' | 'placement'>, tenant: string, counts: ReadonlyMap<string, number>): string {
  if (plan.placement === 'hash') {
    const n = createHash('sha256').update(tenant).digest().readUInt32BE(0);
    return plan.shards[n % plan.shards.length]!.name;
  }
  // least_tenants: the emptiest shard, the first declared on a tie
  let best = plan.shards[0]!;
  for (const shard of plan.shards) if ((counts.get(shard.name) ?? 0) < (counts.get(best.name) ?? 0)) best = shard;
  return best.name;
}

/**
 * The schema or database name of `tenant`: `t_` + its id in lower case letters, digits and
 * `_` (at most 40) + 10 hex digits of its hash, so that two ids never share one (case, `.`,
 * `@`…) and every name fits PostgreSQL's 63-byte identifiers.
 */
export function locationName(tenant: string): string {
  const readable = tenant
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 40);
  return `t_${readable}_${createHash('sha256').update(tenant).digest('hex').slice(0, 10)}`;
}

/** Creates the tenant's database on its shard (database mode; an existing one is kept). */
export async function provisionLocation(plan: ShardPlan, store: EventStoreConfig, at: TenantLocation): Promise<void> {
  if (plan.mode !== 'database') return;
  const { createPgClient } = await import('../../store/pgClient.js');
  const client = createPgClient(pgOptions({ ...store, connection: shardNamed(plan, at.shard).connection, pool_size: 1 }));
  try {
    await storeCall(async () => {
      try {
        await client.query(`CREATE DATABASE ${quoteIdent(at.location)}`);
      } catch (err) {
        // 42P04: it exists (another process placed the tenant at the same time, or a retry)
        if (sqlState(err) !== '42P04' && sqlState(err) !== '23505') throw err;
      }
    });
  } finally {
    await client.close();
  }
}

/**
 * The place of `tenant`: the map's, or a new one by the plan's policy (recorded first: when two
 * processes place a tenant at once, the first row wins and both use it), with its database
 * created in database mode. `store` is the app's event_store config (pool settings).
 */
export async function placeTenant(map: ShardMap, plan: ShardPlan, store: EventStoreConfig, tenant: string): Promise<Placement> {
  const known = await map.get(tenant);
  if (known !== undefined) return known;
  const shard = chooseShard(plan, tenant, await map.counts());
  const placed = await map.insert(tenant, { shard, location: locationName(tenant) });
  await provisionLocation(plan, store, placed);
  return placed;
}
