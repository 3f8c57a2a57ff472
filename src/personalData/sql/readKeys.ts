/** Reads data keys by id, and the keys of the subjects bound to one stream. */
import type { SqlExecutor, StoreTables } from '../../store/EventStore.js';
import type { KeyRow } from './ensureSubjectKeys.js';

/** The keys among `keyIds` that still exist (a forgotten subject's key does not). */
export async function readKeys(db: SqlExecutor, t: StoreTables, keyIds: readonly string[]): Promise<KeyRow[]> {
  const { rows } = await db.query<KeyRow>(
    `SELECT key_id::text, subject, wrapped FROM ${t.table('subject_keys')} WHERE key_id = ANY($1::uuid[])`,
    [keyIds],
  );
  return rows;
}

/** The keys of every subject whose fields the stream holds (those not forgotten). */
export async function readStreamKeys(db: SqlExecutor, t: StoreTables, streamType: string, streamId: string): Promise<KeyRow[]> {
  const { rows } = await db.query<KeyRow>(
    `SELECT k.key_id::text, k.subject, k.wrapped
       FROM ${t.table('subject_streams')} s JOIN ${t.table('subject_keys')} k ON k.subject = s.subject
      WHERE s.stream_type = $1 AND s.stream_id = $2
      ORDER BY k.key_id`,
    [streamType, streamId],
  );
  return rows;
}
