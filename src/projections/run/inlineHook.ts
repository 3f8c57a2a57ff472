/**
 * Inline projections (`mode = "inline"`, the default): an append hook applies a batch's events
 * inside the append transaction, so a command's events and its read-model rows commit together
 * (a write the table refuses fails the command with PROJECTION_FAILED, and nothing is written).
 * The hook also moves the projection's checkpoint, so switching it to async later resumes there.
 * A batch of plain inserts (or upserts) is folded into the append's own statement instead.
 *
 * At startup a projection behind the log catches up first: from scratch by a rebuild, or the
 * few events it missed in transactions that hold the append lock (the same lock the hooks of
 * every process run under, so nothing is applied twice).
 */
import type { Upcaster } from '../../engine/upcaster.js';
import { isTuskError } from '../../errors.js';
import { lockCheckpoint } from '../../consumers/sql/lockCheckpoint.js';
import type { AppendHook, EventStore, StoredEvent } from '../../store/EventStore.js';
import { applyEvents } from '../apply/applyEvents.js';
import { foldWrites } from '../apply/foldWrites.js';
import { applyInTransaction } from '../apply/applyInTransaction.js';
import type { CompiledProjection } from '../compile/compileProjection.js';
import { rebuildProjection, type RebuildOptions } from '../rebuild/rebuildProjection.js';
import { liveTables } from '../sql/tableRefs.js';
import { tracedEvents, type Tracing } from '../../telemetry/tracing.js';

/** The append hook of the inline projections `projections`. */
export function inlineHook(
  store: EventStore,
  projections: readonly CompiledProjection[],
  upcaster: Upcaster,
  tracing?: Tracing,
): AppendHook {
  const tables = new Map(projections.map((p) => [p, liveTables(store.tables.schema, p)] as const));
  const traced = <T>(p: CompiledProjection, relevant: readonly StoredEvent[], fn: () => T): T =>
    tracedEvents(tracing, `projection ${p.name}`, relevant, fn, {
      'tusk.projection': p.name,
      'tusk.projection.mode': 'inline',
      'tusk.events': relevant.length,
    });
  const hook: AppendHook = async (tx, events) => {
    for (const p of projections) {
      const relevant = events.filter((e) => p.planners.has(e.type));
      if (relevant.length === 0) continue;
      await traced(p, relevant, async () => {
        await applyEvents(tx, p, tables.get(p)!, relevant.map(upcaster), 'inserts');
        await store.saveCheckpoint(p.checkpoint, relevant[relevant.length - 1]!.position, tx);
      });
    }
  };
  // The common batch writes the rows and the checkpoint in its own statement (foldWrites);
  // a conjoined store's projections write each tenant's events as that tenant (applyEvents).
  if (projections.some((p) => p.tenant)) return hook;
  hook.fold = (events, sql) => {
    const out: string[] = [];
    for (const p of projections) {
      const relevant = events.filter((e) => p.planners.has(e.type));
      if (relevant.length === 0) continue;
      const upcast = relevant.map(upcaster);
      const asStored = upcast.every((e, i) => e === relevant[i]);
      const writes = traced(p, relevant, () => foldWrites(p, tables.get(p)!, upcast, sql, { asStored }));
      if (writes === undefined) return undefined;
      out.push(...writes, sql.checkpoint(p.checkpoint, relevant[relevant.length - 1]!.id));
    }
    return out;
  };
  return hook;
}

/**
 * Brings an inline projection up to the head of the log before its hook takes over: by a
 * rebuild when it was never built, else batch by batch. Resolves to the events applied.
 */
export async function catchUpInline(
  store: EventStore,
  projection: CompiledProjection,
  upcaster: Upcaster,
  rebuild: RebuildOptions = {},
): Promise<number> {
  const checkpoint = await store.loadCheckpoint(projection.checkpoint);
  if (checkpoint === 0) {
    const any = await store.readAll({ after: 0, limit: 1, types: projection.types });
    if (any.length === 0) return 0;
    try {
      return (await rebuildProjection(store, projection, { ...rebuild, upcaster })).events;
    } catch (err) {
      // another process of the cluster, starting too, builds it: wait for it, then catch up
      if (!isTuskError(err) || err.code !== 'REBUILD_RUNNING') throw err;
      await new Promise((resolve) => setTimeout(resolve, 500));
      return catchUpInline(store, projection, upcaster, rebuild);
    }
  }
  const tables = liveTables(store.tables.schema, projection);
  let applied = 0;
  for (;;) {
    const batch = await applyInTransaction(store, async (tx, merge): Promise<StoredEvent[]> => {
      await store.lockAppends(tx);
      await lockCheckpoint(tx, store.tables, projection.checkpoint);
      const at = await store.loadCheckpoint(projection.checkpoint, tx);
      const events = await store.readLocked(tx, { after: at, limit: projection.batchSize, types: projection.types });
      if (events.length === 0) return events;
      await applyEvents(tx, projection, tables, events.map(upcaster), merge);
      await store.saveCheckpoint(projection.checkpoint, events[events.length - 1]!.position, tx);
      return events;
    });
    applied += batch.length;
    if (batch.length < projection.batchSize) return applied;
  }
}
