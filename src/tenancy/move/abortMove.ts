/**
 * Recovering from a tenant move whose process died (`POST /tenants/{id}/move/abort`,
 * `tusk-es tenant move <file> <id> --abort`): such a move leaves the map `copying` or `moving`
 * (every front holds the tenant's requests, then answers 503 TENANT_MOVING) and perhaps its old
 * place fenced. With the move's lease taken (moveGuard.ts: refused with TENANT_BUSY while the
 * move's process lives), the abort takes the fence down at the place the map still names and
 * sets the row `active` there: the fronts resume the tenant where it was. The target's partial
 * copy stays (the next move to it empties it). Until the switch the row names the old place;
 * after it the row is `active` at the new one and there is nothing to undo (the old copy stays
 * fenced, read-only, as after every move). Aborting an `active` tenant changes nothing.
 */
import { TuskError } from '../../errors.js';
import { openEventStore } from '../../store/index.js';
import { tenantModel } from '../shards/shardPlan.js';
import type { ShardRouter } from '../shards/shardRouter.js';
import { fencedTables, unfence } from './fence.js';
import { takeMoveGuard, underGuard } from './moveGuard.js';

/** What an abort found and did. */
export interface MoveAbort {
  tenant: string;
  /** The shard the tenant is active on afterwards. */
  shard: string;
  /** The state the abort found (`copying`, `moving`; `active`: nothing was stuck). */
  found: string;
  /** True when a stuck move was undone. */
  aborted: boolean;
  /** Tables of the old place whose fence was taken down. */
  unfenced: number;
  message: string;
}

/** Undoes the stuck move of `tenant` (see above); TENANT_BUSY while a move of it is alive. */
export async function abortMove(router: ShardRouter, tenant: string): Promise<MoveAbort> {
  const guard = await takeMoveGuard(router.control, tenant);
  try {
    const place = await router.map.get(tenant);
    if (place === undefined)
      throw new TuskError('TENANT_NOT_FOUND', `tenant "${tenant}" has no place in the shard map`, { details: { tenant } });
    const at = { shard: place.shard, location: place.location };
    if (place.state === 'active')
      return {
        tenant,
        shard: place.shard,
        found: 'active',
        aborted: false,
        unfenced: 0,
        message: `nothing was stuck: tenant "${tenant}" is active on shard "${place.shard}" and no move of it is running`,
      };
    if (place.state !== 'copying' && place.state !== 'moving')
      throw new TuskError('TENANT_BUSY', `tenant "${tenant}" is ${place.state}, not in a move`, {
        details: { tenant, state: place.state },
      });
    // the row names the old place until the switch: the dead move's fence (if it got that far) is there
    const source = await openEventStore(tenantModel(router.model, router.plan, at).event_store);
    let unfenced: string[];
    try {
      unfenced = await fencedTables(source);
      await unfence(source, unfenced);
    } finally {
      await source.close();
    }
    await underGuard(router.control, guard, tenant, (tx) => router.map.set(tenant, at, 'active', tx));
    return {
      tenant,
      shard: place.shard,
      found: place.state,
      aborted: true,
      unfenced: unfenced.length,
      message: `the stuck move of tenant "${tenant}" (${place.state}) is undone: it is active again on shard "${place.shard}"`,
    };
  } finally {
    await guard.release();
  }
}
