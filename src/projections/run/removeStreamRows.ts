/**
 * What a hard delete of a stream does to the read models, inside the transaction that removes
 * its events (EventStore.removeEvents): every projection fed by the stream's aggregate that
 * declares `on_stream_deleted` deletes the stream's rows through its compiled deletes. Every
 * partition of the projection is held first (holdPartitions: each partition's checkpoint lock),
 * so an async batch commits wholly before or after; one read before the removal is stale then
 * (its removal mark moved) and is dropped.
 */
import { randomUUID } from 'node:crypto';
import { holdPartitions } from '../../consumers/restartPartitions.js';
import type { EventStore, SqlExecutor, StoredEvent } from '../../store/EventStore.js';
import { applyEvents } from '../apply/applyEvents.js';
import type { CompiledProjection } from '../compile/compileProjection.js';
import { liveTables } from '../sql/tableRefs.js';

/** The pseudo event type the deletes are planned for (never stored). */
const STREAM_DELETED = '$stream_deleted';

/** The projections whose rows a removal of a `streamType` stream deletes. */
export function projectionsFedBy(
  projections: readonly CompiledProjection[],
  emitted: ReadonlySet<string> | undefined,
): CompiledProjection[] {
  if (emitted === undefined) return [];
  return projections.filter((p) => p.onStreamDeleted.length > 0 && p.types.some((t) => emitted.has(t)));
}

/** Deletes the rows of (`streamType`, `streamId`) from each of `projections`, in `tx`. */
export async function removeStreamRows(
  tx: SqlExecutor,
  store: EventStore,
  projections: readonly CompiledProjection[],
  streamType: string,
  streamId: string,
): Promise<void> {
  const event: StoredEvent = {
    id: randomUUID(),
    type: STREAM_DELETED,
    streamType,
    streamId,
    version: 0,
    position: 0,
    eventVersion: 1,
    data: {},
    metadata: {},
    timestamp: new Date(),
  };
  for (const projection of projections) {
    // A projection whose tables were never created (the app never ran with it) has no rows.
    const { rows } = await tx.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [
      liveTables(store.tables.schema, projection)[0]!.table,
    ]);
    if (rows[0]?.t === null || rows[0]?.t === undefined) continue;
    // Every partition of its async worker waits (or re-reads the removal mark, and drops its batch).
    await holdPartitions(tx, store, projection.checkpoint);
    const deletes: CompiledProjection = { ...projection, planners: new Map([[STREAM_DELETED, projection.onStreamDeleted]]) };
    await applyEvents(tx, deletes, liveTables(store.tables.schema, projection), [event], 'none');
  }
}
