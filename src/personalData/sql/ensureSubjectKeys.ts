/** Creates the keys of new subjects and binds subjects to a stream, in one statement. */
import type { SqlExecutor, StoreTables } from '../../store/EventStore.js';

/** A data key row, wrapped. */
export interface KeyRow {
  key_id: string;
  subject: string;
  wrapped: string;
}

/**
 * Inserts the candidate keys of subjects that have none (a concurrent insert wins: its key is
 * the one) and the subject → stream bindings; returns the keys of `subjects` visible now.
 */
export async function ensureSubjectKeys(
  db: SqlExecutor,
  t: StoreTables,
  candidates: readonly KeyRow[],
  stream: { type: string; id: string },
): Promise<KeyRow[]> {
  const subjects = candidates.map((c) => c.subject);
  const { rows } = await db.query<KeyRow>(
    `WITH bound AS (
       INSERT INTO ${t.table('subject_streams')} (subject, stream_type, stream_id)
       SELECT s, $4, $5 FROM unnest($2::text[]) AS s
       ON CONFLICT DO NOTHING
     ), created AS (
       INSERT INTO ${t.table('subject_keys')} (key_id, subject, wrapped)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])
       ON CONFLICT (subject, tenant_id) DO NOTHING
       RETURNING key_id::text, subject, wrapped
     )
     SELECT key_id, subject, wrapped FROM created
     UNION ALL
     SELECT key_id::text, subject, wrapped FROM ${t.table('subject_keys')} WHERE subject = ANY($2::text[])`,
    [candidates.map((c) => c.key_id), subjects, candidates.map((c) => c.wrapped), stream.type, stream.id],
  );
  return rows;
}
