/**
 * Removes events of one stream inside a transaction that holds the append lock (no append is
 * in flight, and none of this stream can commit in between). A truncation replaces the newest
 * event it removes with the closing snapshot at the same version, position and time
 * (`OVERRIDING SYSTEM VALUE`): the log keeps every other position, a temporal read at or after
 * the cut folds the same state, and readers see the stream before or after, never between.
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
  const { rows } = await tx.query<{ position: number | string; type: string; created_at: Date }>(
    `SELECT position, type, created_at FROM ${t.events} WHERE stream_type = $1 AND stream_id = $2 AND version = $3`,
    [...stream, cut],
  );
  const last = rows[0];
  const replace = last !== undefined && r.closing !== undefined && last.type !== r.closing.type;
  // Below the cut everything goes; the event at the cut goes only to be replaced.
  const { rowCount } = await tx.query(`DELETE FROM ${t.events} WHERE stream_type = $1 AND stream_id = $2 AND version < $3`, [
    ...stream,
    replace ? cut + 1 : cut,
  ]);
  // A stored snapshot below the cut would let a temporal read fold from a state whose events are gone.
  await tx.query(`DELETE FROM ${t.snapshots} WHERE stream_type = $1 AND stream_id = $2 AND version < $3`, [...stream, cut]);
  if (replace && r.closing !== undefined) {
    await tx.query(
      `INSERT INTO ${t.events} (position, id, stream_type, stream_id, version, type, event_version, data, metadata, created_at)
       OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, 1, $7::jsonb, $8::jsonb, $9)`,
      [
        last.position,
        r.closing.id,
        ...stream,
        cut,
        r.closing.type,
        JSON.stringify(r.closing.data),
        JSON.stringify(r.closing.metadata),
        last.created_at,
      ],
    );
  }
  return rowCount;
}
