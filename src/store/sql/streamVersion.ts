/** The current version of a stream (0 when it does not exist). */
import type { SqlExecutor, StoreTables } from '../EventStore.js';

/** Reads the stream's version: the newest version of its events (through their unique index). */
export async function streamVersion(db: SqlExecutor, t: StoreTables, streamType: string, streamId: string): Promise<number> {
  const { rows } = await db.query<{ version: number }>(
    `SELECT version FROM ${t.events} WHERE stream_type = $1 AND stream_id = $2 ORDER BY version DESC LIMIT 1`,
    [streamType, streamId],
  );
  return rows[0]?.version ?? 0;
}
