/**
 * Moving a tenant to another shard online (issue 20 item 3; tenancy modes "schema" and
 * "database"): the tenant's events are copied in position order to its new place while it keeps
 * working, the copy catches up, then the tenant's requests are paused (the tenant gate: new ones
 * wait, those in flight finish), its runtime is closed (its consumers and sagas stop), the rest
 * of its events and every other table of its store (snapshots, idempotency keys, unique values,
 * checkpoints, saga instances, dead letters, projection tables, …) are copied, the copy is
 * checked against the source, the map is switched and the tenant resumes: its next request
 * opens its runtime at the new place, where projections and sagas go on from their copied
 * checkpoints. Positions keep their values (each tenant's log is its own), so checkpoints,
 * saga state and idempotency records stay consistent with the log.
 */
import type { EventStore } from '../../store/EventStore.js';
import { openEventStore } from '../../store/index.js';
import { quoteIdent } from '../../store/quoteIdent.js';
import { InvalidInputError, TuskError } from '../../errors.js';
import { compileProjections } from '../../projections/compile/compileProjection.js';
import { createTableSql } from '../../projections/tables/tableDdl.js';
import type { TenantPause } from '../registry/tenantPause.js';
import { provisionLocation } from '../shards/placement.js';
import { tenantModel } from '../shards/shardPlan.js';
import type { ShardRouter } from '../shards/shardRouter.js';
import { copyEventsAfter, copyTable, settleIdentities } from './copyRows.js';

/** Events copied per catch-up round before the pause. */
const ROUND = 50_000;
/** The pause starts once a catch-up round finds fewer new events than this. */
const CLOSE_ENOUGH = 500;
/** How long the requests in flight at the pause may take to finish. */
const DRAIN_MS = 30_000;
/** Tables of a store that a move does not copy: the target's own bookkeeping. */
const NOT_COPIED = new Set(['events', 'schema_migrations', 'leases', 'store_identity', 'tenants', 'tenant_shards']);

/** What a move did. */
export interface TenantMove {
  tenant: string;
  from: string;
  to: string;
  /** Events in the tenant's log at the switch (source and target agree). */
  events: number;
  /** The last position of the log at the switch. */
  position: number;
  /** Rows copied per table during the pause (events: the ones copied then). */
  tables: Record<string, number>;
  /** How long the tenant's requests were paused (ms). */
  paused_ms: number;
}

/** The tables of `store`'s schema a move copies (not partitions: a partitioned table is copied through its parent). */
async function tablesToCopy(store: EventStore): Promise<string[]> {
  const prefix = store.tables.prefix;
  const { rows } = await store.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`,
    [store.tables.schema],
  );
  return rows.map((r) => r.name).filter((name) => !(name.startsWith(prefix) && NOT_COPIED.has(name.slice(prefix.length))));
}

/** `count(*)` and `max(position)` of a store's log. */
async function logHead(store: EventStore): Promise<{ events: number; position: number }> {
  const { rows } = await store.query<{ n: string; p: string | null }>(
    `SELECT count(*) AS n, max(position) AS p FROM ${store.tables.events}`,
  );
  return { events: Number(rows[0]!.n), position: Number(rows[0]!.p ?? 0) };
}

/** Creates the projection tables of the tenant's app on `target` and empties every table a move writes. */
async function prepareTarget(target: EventStore, source: EventStore, router: ShardRouter, at: { shard: string; location: string }) {
  const model = tenantModel(router.model, router.plan, at);
  for (const projection of compileProjections(model))
    for (const spec of projection.targets)
      for (const statement of createTableSql(spec, target.tables.schema, spec.name, { ifNotExists: true })) await target.query(statement);
  const sourceTables = await tablesToCopy(source);
  const targetTables = new Set(await tablesToCopy(target));
  const missing = sourceTables.filter((t) => !targetTables.has(t));
  if (missing.length > 0)
    throw new TuskError('TENANT_MOVE_FAILED', `the target store lacks tables of the source: ${missing.join(', ')}`, {
      details: { missing },
    });
  // a place the tenant left earlier still holds its old copy: start from nothing
  const all = [target.tables.events, ...sourceTables.map((t) => `${quoteIdent(target.tables.schema)}.${quoteIdent(t)}`)];
  await target.query(`TRUNCATE ${all.join(', ')}`);
  return sourceTables;
}

/**
 * Moves `tenant` to shard `to`. Its requests wait during the switch (`pauses`); on any failure
 * before the switch the tenant resumes at its old place, which is left untouched. The old place
 * keeps its copy after a move (an operator drops it).
 */
export async function moveTenant(router: ShardRouter, pauses: TenantPause, tenant: string, to: string): Promise<TenantMove> {
  if (!router.plan.shards.some((s) => s.name === to))
    throw new InvalidInputError(`no shard "${to}" in event_store.tenancy.shards`, { to }, 'BAD_REQUEST');
  const from = await router.place(tenant);
  if (from.shard === to)
    throw new TuskError('TENANT_MOVE_FAILED', `tenant "${tenant}" is on shard "${to}" already`, { details: { tenant } });
  if (from.state !== 'active')
    throw new TuskError('TENANT_BUSY', `tenant "${tenant}" is ${from.state}`, { details: { tenant, state: from.state } });
  const at = { shard: to, location: from.location };
  await provisionLocation(router.plan, router.model.event_store, at);
  const source = await openEventStore(tenantModel(router.model, router.plan, from).event_store);
  let target: EventStore | undefined;
  let pausedAt: number | undefined;
  try {
    target = await openEventStore(tenantModel(router.model, router.plan, at).event_store);
    const tables = await prepareTarget(target, source, router, at);
    await router.map.setState(tenant, 'moving');
    // Copy while the tenant works, round after round, until little is left.
    let last = 0;
    for (;;) {
      const before = last;
      last = await copyEventsAfter(source, target, last, ROUND);
      if (last - before < CLOSE_ENOUGH) break;
    }
    // The switch: nothing of the tenant runs while the rest is copied.
    pausedAt = Date.now();
    await pauses.pause(tenant, DRAIN_MS);
    await router.evict(tenant);
    const copied: Record<string, number> = {};
    const tail = await logHead(target);
    last = await copyEventsAfter(source, target, last, Number.MAX_SAFE_INTEGER);
    copied.events = (await logHead(target)).events - tail.events;
    for (const table of tables) copied[table] = await copyTable(source, target, table);
    for (const table of [target.tables.events, ...tables.map((t) => `${quoteIdent(target!.tables.schema)}.${quoteIdent(t)}`)])
      await settleIdentities(target, table);
    const [was, now] = [await logHead(source), await logHead(target)];
    if (was.events !== now.events || was.position !== now.position)
      throw new TuskError('TENANT_MOVE_FAILED', `the copy of tenant "${tenant}" does not match its log`, {
        details: { source: was, target: now },
      });
    await router.map.set(tenant, at, 'active');
    return { tenant, from: from.shard, to, events: now.events, position: now.position, tables: copied, paused_ms: Date.now() - pausedAt };
  } catch (err) {
    await router.map.set(tenant, from, 'active').catch(() => undefined);
    throw err;
  } finally {
    if (pausedAt !== undefined) pauses.resume(tenant);
    await target?.close();
    await source.close();
  }
}
