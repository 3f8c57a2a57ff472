/** Forgetting, in the database: the subject's key goes, and so do its streams' snapshots. */
import type { SqlExecutor, StoreTables } from '../../store/EventStore.js';

/** What a forget found and destroyed. */
export interface DestroyedSubject {
  keyIds: string[];
  streams: { streamType: string; streamId: string }[];
}

/**
 * Deletes the subject's key and the snapshots of the streams bound to it (a snapshot is sealed
 * with the keys of its stream's subjects, so it could not be opened any more anyway: loads
 * fold those streams from their events again). Run inside one transaction.
 */
export async function destroySubjectKey(db: SqlExecutor, t: StoreTables, subject: string): Promise<DestroyedSubject> {
  const keys = await db.query<{ key_id: string }>(`DELETE FROM ${t.table('subject_keys')} WHERE subject = $1 RETURNING key_id::text`, [
    subject,
  ]);
  const streams = await db.query<{ stream_type: string; stream_id: string }>(
    `SELECT stream_type, stream_id FROM ${t.table('subject_streams')} WHERE subject = $1 ORDER BY stream_type, stream_id`,
    [subject],
  );
  await db.query(
    `DELETE FROM ${t.snapshots} sn USING ${t.table('subject_streams')} s
      WHERE s.subject = $1 AND sn.stream_type = s.stream_type AND sn.stream_id = s.stream_id`,
    [subject],
  );
  return {
    keyIds: keys.rows.map((r) => r.key_id),
    streams: streams.rows.map((r) => ({ streamType: r.stream_type, streamId: r.stream_id })),
  };
}
