/**
 * Purging a deleted tenant of a conjoined store (issue 20 item 3): every row it owns goes, in
 * one transaction that holds the append lock (EventStore.purgeTenant): its events (its
 * aggregates' and its sagas' streams), snapshots, idempotency keys, unique values, checkpoints,
 * dead letters, saga instances (timers included), subject keys and subject index, and its rows
 * of every projection table. Each async projection's partitions are held while it runs, and
 * the purge moves the removal mark, so a batch read before it cannot write the tenant's rows
 * back. Kept: the tenant's tombstone in the registry (its id is never reused), and the rows of
 * the `removals` table that name its streams (ids only, no data).
 */
import type { AppConfig } from '../../config/schema/index.js';
import { holdPartitions } from '../../consumers/restartPartitions.js';
import { compileProjections } from '../../projections/compile/compileProjection.js';
import { liveTables } from '../../projections/sql/tableRefs.js';
import type { EventStore, TenantPurge } from '../../store/EventStore.js';

/** Removes every row of `tenant` from `store` and from `model`'s projection tables. */
export function purgeTenant(store: EventStore, model: AppConfig, tenant: string): Promise<TenantPurge> {
  const projections = compileProjections(model);
  return store.purgeTenant(tenant, async (tx, rows) => {
    for (const projection of projections) {
      const tables = liveTables(store.tables.schema, projection);
      // A projection whose tables were never created (the app never ran with it) has no rows.
      const { rows: found } = await tx.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [tables[0]!.table]);
      if (found[0]?.t === null || found[0]?.t === undefined) continue;
      await holdPartitions(tx, store, projection.checkpoint);
      for (const [i, { table }] of tables.entries()) {
        const { rowCount } = await tx.query(`DELETE FROM ${table} WHERE tenant_id = $1`, [tenant]);
        rows[projection.targets[i]!.name] = rowCount;
      }
    }
  });
}
