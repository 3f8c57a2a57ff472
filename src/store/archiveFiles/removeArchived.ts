/**
 * Removals (hard delete, truncation) of a stream whose older events live in archive files,
 * inside the removal's transaction, after the events table's rows were handled
 * (EventStore.removeEvents' `work`). A hard delete drops the stream's segments from the
 * manifest, so no read merges its file events back. A truncation whose cut lies in the files
 * brings the file events from the cut on back into the table, at their positions, the cut one
 * as the closing snapshot, and drops the segments at or below the cut: the stream then reads
 * as on any other store. The files themselves are not rewritten (README "Archival to files").
 */
import type { RemoveRequest, SqlExecutor, StoreTables } from '../EventStore.js';
import type { ArchiveDirectory } from './ArchiveDirectory.js';

/** Applies `r` to the stream's segments (and file events) in `tx`. */
export async function removeArchived(tx: SqlExecutor, t: StoreTables, directory: ArchiveDirectory, r: RemoveRequest): Promise<void> {
  const segments = t.table('archive_segments');
  const stream = [r.streamType, r.streamId];
  if (r.kind === 'delete') {
    await tx.query(`DELETE FROM ${segments} WHERE stream_type = $1 AND stream_id = $2`, stream);
    return;
  }
  const cut = (r.beforeVersion ?? 1) - 1;
  if (cut < 1) return;
  const { rows } = await tx.query<{ file: string; sha256: string }>(
    `SELECT s.file, f.sha256 FROM ${segments} s JOIN ${t.table('archive_files')} f ON f.name = s.file
      WHERE s.stream_type = $1 AND s.stream_id = $2 AND s.from_version <= $3 ORDER BY s.from_version`,
    [...stream, cut],
  );
  if (rows.length === 0) return;
  const back: unknown[] = [];
  for (const f of rows) {
    for (const e of await directory.events(f.file, f.sha256)) {
      if (e.streamType !== r.streamType || e.streamId !== r.streamId || e.version < cut) continue;
      const closing = e.version === cut && r.closing !== undefined ? r.closing : undefined;
      back.push({
        p: e.position,
        id: closing?.id ?? e.id,
        v: e.version,
        ty: closing?.type ?? e.type,
        ev: closing === undefined ? e.eventVersion : 1,
        d: closing?.data ?? e.data,
        m: closing?.metadata ?? e.metadata,
        ts: e.timestamp.toISOString(),
      });
    }
  }
  if (back.length > 0)
    await tx.query(
      `INSERT INTO ${t.events} (position, id, stream_type, stream_id, version, type, event_version, data, metadata, created_at)
       OVERRIDING SYSTEM VALUE
       SELECT x.p, x.id, $2, $3, x.v, x.ty, x.ev, x.d, x.m, x.ts
         FROM jsonb_to_recordset($1::jsonb) AS x(p bigint, id uuid, v integer, ty text, ev integer, d jsonb, m jsonb, ts timestamptz)
        WHERE NOT EXISTS (SELECT 1 FROM ${t.events} e WHERE e.stream_type = $2 AND e.stream_id = $3 AND e.version = x.v)
        ORDER BY x.p`,
      [JSON.stringify(back), ...stream],
    );
  await tx.query(`DELETE FROM ${segments} WHERE stream_type = $1 AND stream_id = $2 AND from_version <= $3`, [...stream, cut]);
}
