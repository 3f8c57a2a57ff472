/**
 * Moving a tenant to another shard online (issue 20 item 3; tenancy modes "schema" and
 * "database"), from any process on the control database (a server's route or the CLI): the
 * map says `copying` while the tenant's events are copied in position order to its new place
 * and it keeps working; once the copy has caught up the map says `moving`, and every front of
 * the fleet holds the tenant's requests and closes its runtime (PlacementWatch, within a few
 * WATCH_MS); the move waits FRONTS_MS for that, then fences the old place (fence.ts: no process
 * can write there any more, and what was written is all there), copies the rest of the log and
 * every other table of the store (snapshots, idempotency keys, unique values, checkpoints, saga
 * instances, dead letters, projection tables, …), checks the copy against the source and
 * switches the map: every front then serves the tenant from its new place, where projections
 * and sagas go on from their copied checkpoints. Positions keep their values (each tenant's log
 * is its own), so checkpoints, saga state and idempotency records stay consistent with the log.
 * The moving process holds the tenant's move lease throughout (moveGuard.ts); a move whose
 * process died is undone by abortMove.ts.
 */
import type { EventStore } from '../../store/EventStore.js';
import { openEventStore } from '../../store/index.js';
import { quoteIdent } from '../../store/quoteIdent.js';
import { InvalidInputError, TuskError } from '../../errors.js';
import { compileProjections } from '../../projections/compile/compileProjection.js';
import { createTableSql } from '../../projections/tables/tableDdl.js';
import { provisionLocation } from '../shards/placement.js';
import { tenantModel } from '../shards/shardPlan.js';
import type { ShardRouter } from '../shards/shardRouter.js';
import { WATCH_MS } from '../shards/placementWatch.js';
import { copyEventsAfter, copyTable, settleIdentities } from './copyRows.js';
import { fence, unfence } from './fence.js';
import { takeMoveGuard, underGuard } from './moveGuard.js';

/** Events copied per catch-up round before the pause. */
const ROUND = 50_000;
/** The pause starts once a catch-up round finds fewer new events than this. */
const CLOSE_ENOUGH = 500;
/** How long the fronts get to see `moving` in the map, hold the tenant and close its runtime before the fence. */
const FRONTS_MS = 4 * WATCH_MS;
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
  // a place the tenant left earlier still holds its old copy, fenced: start from nothing
  const all = qualified(target, sourceTables);
  await unfence(target, all);
  await target.query(`TRUNCATE ${all.join(', ')}`);
  return sourceTables;
}

/** The log and `tables` of `store`, qualified and quoted. */
function qualified(store: EventStore, tables: readonly string[]): string[] {
  return [store.tables.events, ...tables.map((t) => `${quoteIdent(store.tables.schema)}.${quoteIdent(t)}`)];
}

/**
 * Moves `tenant` to shard `to`. Its requests are held fleet-wide during the switch; on any
 * failure before the switch the tenant goes on at its old place, unfenced and untouched. The
 * old place keeps its copy after a move, fenced (an operator drops it).
 */
export async function moveTenant(router: ShardRouter, tenant: string, to: string): Promise<TenantMove> {
  if (!router.plan.shards.some((s) => s.name === to))
    throw new InvalidInputError(`no shard "${to}" in event_store.tenancy.shards`, { to }, 'BAD_REQUEST');
  const from = await router.place(tenant);
  if (from.shard === to)
    throw new TuskError('TENANT_MOVE_FAILED', `tenant "${tenant}" is on shard "${to}" already`, { details: { tenant } });
  const at = { shard: to, location: from.location };
  // one move at a time: this process holds the tenant's move lease while it moves it (it lapses if the process dies)
  const guard = await takeMoveGuard(router.control, tenant);
  // Only from 'active': a tenant left 'copying' or 'moving' by a dead move is aborted first.
  const taken = from.state === 'active' && (await router.map.transition(tenant, 'active', 'copying')) !== undefined;
  if (!taken) {
    await guard.release();
    const state = from.state === 'active' ? 'being changed by another process' : from.state;
    throw new TuskError(
      'TENANT_BUSY',
      `tenant "${tenant}" is ${state}; a move whose process died stays so until aborted (POST /tenants/{id}/move/abort, tusk-es tenant move <file> <id> --abort)`,
      { details: { tenant, state: from.state } },
    );
  }
  let source: EventStore | undefined;
  let target: EventStore | undefined;
  let fenced: string[] | undefined;
  try {
    await provisionLocation(router.plan, router.model.event_store, at);
    source = await openEventStore(tenantModel(router.model, router.plan, from).event_store);
    target = await openEventStore(tenantModel(router.model, router.plan, at).event_store);
    const tables = await prepareTarget(target, source, router, at);
    // Copy while the tenant works, round after round, until little is left.
    let last = 0;
    for (;;) {
      const before = last;
      last = await copyEventsAfter(source, target, last, ROUND);
      if (last - before < CLOSE_ENOUGH) break;
    }
    // The switch: every front holds the tenant and closes its runtime; the fence stops the rest.
    await underGuard(router.control, guard, tenant, (tx) => router.map.setState(tenant, 'moving', tx));
    const pausedAt = Date.now();
    await new Promise((r) => setTimeout(r, FRONTS_MS));
    await fence(source, (fenced = qualified(source, tables)));
    await router.evict(tenant);
    const copied: Record<string, number> = {};
    const tail = await logHead(target);
    last = await copyEventsAfter(source, target, last, Number.MAX_SAFE_INTEGER);
    copied.events = (await logHead(target)).events - tail.events;
    for (const table of tables) copied[table] = await copyTable(source, target, table);
    for (const table of qualified(target, tables)) await settleIdentities(target, table);
    const [was, now] = [await logHead(source), await logHead(target)];
    if (was.events !== now.events || was.position !== now.position)
      throw new TuskError('TENANT_MOVE_FAILED', `the copy of tenant "${tenant}" does not match its log`, {
        details: { source: was, target: now },
      });
    // the switch, only while this process still holds the lease (else an abort may have undone the move)
    await underGuard(router.control, guard, tenant, (tx) => router.map.set(tenant, at, 'active', tx));
    return { tenant, from: from.shard, to, events: now.events, position: now.position, tables: copied, paused_ms: Date.now() - pausedAt };
  } catch (err) {
    // a lost lease: an abort may own the tenant now (it undoes the move itself)
    if (guard.held) {
      if (fenced !== undefined) await unfence(source!, fenced).catch(() => undefined);
      await router.map.set(tenant, from, 'active').catch(() => undefined);
    }
    throw err;
  } finally {
    await guard.release();
    await target?.close();
    await source?.close();
  }
}
