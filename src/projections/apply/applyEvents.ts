/**
 * Applies events to a projection's tables, in log order, inside the caller's transaction. The
 * inline hook, the async worker and rebuilds all come here, so they write the same rows.
 * Consecutive writes of one shape are merged into one statement when `merge` allows it:
 * inserts always can; upserts only when no two of them reach the same row.
 */
import { TuskError } from '../../errors.js';
import type { SqlExecutor, StoredEvent } from '../../store/EventStore.js';
import { isConnectionError } from '../../store/SqlClient.js';
import { asTenant } from '../../consumers/tenantBatches.js';
import type { CompiledProjection } from '../compile/compileProjection.js';
import { eventScope } from '../compile/eventScope.js';
import type { PlannedWrite } from './PlannedWrite.js';
import { mergedValues, mergedWriteSql, writeSql, type TableRef } from './writeSql.js';

/** Which writes may share a statement: none, inserts only, or inserts and upserts. */
export type MergeMode = 'none' | 'inserts' | 'all';

interface Group {
  first: PlannedWrite;
  writes: PlannedWrite[];
  events: StoredEvent[];
  keys: Set<string>;
  merge: boolean;
}

/** One statement of planned writes, and the events it writes (for its error message). */
export interface Statement {
  sql: string;
  params: unknown[];
  events: StoredEvent[];
}

/** Writes `events` (already upcast) into `tables` ([main, ...joins]); resolves to the number of statements run. */
export async function applyEvents(
  tx: SqlExecutor,
  projection: CompiledProjection,
  tables: readonly TableRef[],
  events: readonly StoredEvent[],
  merge: MergeMode,
): Promise<number> {
  if (projection.tenant) {
    // A conjoined store: each tenant's run of events is written as that tenant (its rows get its
    // tenant_id, row-level security checks them), so one statement never mixes tenants.
    let count = 0;
    for (const run of tenantRuns(events))
      count += await asTenant(run[0]!.tenantId, () => applyEvents(tx, { ...projection, tenant: false }, tables, run, merge));
    return count;
  }
  const statements = planStatements(projection, tables, events, merge);
  await runStatements(tx, projection, statements);
  return statements.length;
}

/** `events` cut into runs of consecutive events of one tenant. */
function tenantRuns(events: readonly StoredEvent[]): StoredEvent[][] {
  const runs: StoredEvent[][] = [];
  for (const event of events) {
    const run = runs.at(-1);
    if (run !== undefined && run[0]!.tenantId === event.tenantId) run.push(event);
    else runs.push([event]);
  }
  return runs;
}

/** The statements that write `events` into `tables`, in order (no SQL runs yet). */
export function planStatements(
  projection: CompiledProjection,
  tables: readonly TableRef[],
  events: readonly StoredEvent[],
  merge: MergeMode,
): Statement[] {
  const out: Statement[] = [];
  let group: Group | undefined;
  forEachWrite(projection, events, (event, write) => {
    const canMerge = write.mergeable && (write.action === 'insert' ? merge !== 'none' : write.action === 'upsert' && merge === 'all');
    if (
      group !== undefined &&
      canMerge &&
      group.merge &&
      sameShape(group.first, write) &&
      (write.key === undefined || !group.keys.has(write.key))
    ) {
      group.writes.push(write);
      group.events.push(event);
      if (write.key !== undefined) group.keys.add(write.key);
      return;
    }
    if (group !== undefined) out.push(...statementsOf(tables, group));
    group = {
      first: write,
      writes: [write],
      events: [event],
      keys: new Set(write.key === undefined ? [] : [write.key]),
      merge: canMerge,
    };
  });
  if (group !== undefined) out.push(...statementsOf(tables, group));
  return out;
}

/**
 * Calls `visit` with every write `projection`'s planners make for `events`, in log order;
 * `visit` returning false stops (and so does forEachWrite, returning false).
 */
export function forEachWrite(
  projection: CompiledProjection,
  events: readonly StoredEvent[],
  visit: (event: StoredEvent, write: PlannedWrite) => boolean | void,
): boolean {
  for (const event of events) {
    const planners = projection.planners.get(event.type);
    if (planners === undefined) continue;
    const scope = eventScope(event);
    for (const plan of planners) {
      const write = plan(event, scope);
      if (write !== undefined && visit(event, write) === false) return false;
    }
  }
  return true;
}

/** Runs `statements` in order in `tx`; a failure names the projection and the events. */
export async function runStatements(tx: SqlExecutor, projection: CompiledProjection, statements: readonly Statement[]): Promise<void> {
  for (const s of statements) {
    try {
      await tx.query(s.sql, s.params);
    } catch (err) {
      throw projectionError(projection.name, s.events, err);
    }
  }
}

function statementsOf(tables: readonly TableRef[], g: Group): Statement[] {
  const table = tables[g.first.target]!;
  const merged = g.writes.length > 1 ? mergedWriteSql(table, g.first) : undefined;
  if (merged !== undefined) return [{ sql: merged, params: [mergedValues(g.writes)], events: g.events }];
  return g.writes.map((w, i) => ({ sql: writeSql(table, w), params: w.values, events: [g.events[i]!] }));
}

/** Equal shapes (writeSql differs only in values); fragment texts are cached, so this mostly compares pointers. */
export function sameShape(a: PlannedWrite, b: PlannedWrite): boolean {
  return (
    a.target === b.target &&
    a.action === b.action &&
    a.where === b.where &&
    a.rowKey === b.rowKey &&
    sameList(a.columns, b.columns) &&
    sameList(a.exprs, b.exprs)
  );
}

/** Equal lists of texts; cached texts are the same strings, so mostly pointer comparisons. */
export function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The error of a write that failed: which projection, which events, what the database said.
 * A lost connection stays what it is (the store reports it as STORE_UNAVAILABLE).
 */
export function projectionError(projection: string, events: readonly StoredEvent[], cause: unknown): unknown {
  if (cause instanceof TuskError || isConnectionError(cause)) return cause;
  const first = events[0]!;
  const last = events[events.length - 1]!;
  const which =
    first === last
      ? `${first.type} (position ${first.position}, ${first.streamType} ${first.streamId})`
      : `events at positions ${first.position}–${last.position}`;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new TuskError('PROJECTION_FAILED', `projection ${projection} cannot apply ${which}: ${reason}`, {
    cause,
    details: { projection, event_type: first.type, position: first.position },
  });
}
