/**
 * Removes events of one stream inside a transaction that holds the append lock (no append is
 * in flight, and none of this stream can commit in between). A truncation rewrites the newest
 * event it removes into the closing snapshot, in place: same row, so the same version,
 * position, time, archived flag and partition in every layout of the events table. The log
 * keeps every other position, a temporal read at or after the cut folds the same state, and
 * readers see the stream before or after, never between.
 */
import type { RemoveRequest, SqlExecutor, StoreTables } from '../EventStore.js';

/** Deletes what `r` names; resolves to the number of events removed. */
export async function removeEvents(tx: SqlExecutor, t: StoreTables, r: RemoveRequest): Promise<number> {
  const stream = [r.streamType, r.streamId];
  if (r.kind === 'delete') {
    const { rowCount } = await tx.query(`DELETE FROM ${t.events} WHERE stream_type = $1 AND stream_id = $2`, stream);
    await tx.query(`DELETE FROM ${t.snapshots} WHERE stream_type = $1 AND stream_id = $2`, stream);
    await tx.query(`DELETE FROM ${t.uniques} WHERE stream_type = $1 AND stream_id = $2`, stream);
    await tx.query(`DELETE FROM ${t.idempotency} WHERE stream_type = $1 AND stream_id = $2`, stream);
    return rowCount;
  }
  const cut = (r.beforeVersion ?? 1) - 1;
  if (cut < 1) return 0;
  // The event at the cut becomes the closing snapshot in place (an UPDATE): its position,
  // version, time, archived flag and partition stay, whatever the layout (hash, archived, time).
  const closing = r.closing;
  const replaced =
    closing === undefined
      ? 0
      : (
          await tx.query(
            `UPDATE ${t.events} SET id = $4, type = $5, event_version = 1, data = $6::jsonb, metadata = $7::jsonb
              WHERE stream_type = $1 AND stream_id = $2 AND version = $3 AND type <> $5`,
            [...stream, cut, closing.id, closing.type, JSON.stringify(closing.data), JSON.stringify(closing.metadata)],
          )
        ).rowCount;
  // Below the cut everything goes (the event at the cut stays: now, or already, the snapshot).
  const { rowCount } = await tx.query(`DELETE FROM ${t.events} WHERE stream_type = $1 AND stream_id = $2 AND version < $3`, [
    ...stream,
    cut,
  ]);
  // A stored snapshot below the cut would let a temporal read fold from a state whose events are gone.
  await tx.query(`DELETE FROM ${t.snapshots} WHERE stream_type = $1 AND stream_id = $2 AND version < $3`, [...stream, cut]);
  return rowCount + replaced;
}
