/** The stream's snapshot, if it was taken under `configHash` at or below `maxVersion`. */
import type { Snapshot, SqlExecutor, StoreTables } from '../EventStore.js';

/** Reads the snapshot row of a stream. */
export async function loadSnapshot(
  db: SqlExecutor,
  t: StoreTables,
  streamType: string,
  streamId: string,
  configHash: string,
  maxVersion?: number,
): Promise<Snapshot | undefined> {
  const { rows } = await db.query<{ version: number; state: unknown; config_hash: string }>(
    `SELECT version, state, config_hash FROM ${t.snapshots} WHERE stream_type = $1 AND stream_id = $2 AND config_hash = $3 AND version <= $4`,
    [streamType, streamId, configHash, maxVersion ?? 2_147_483_647],
  );
  const row = rows[0];
  return row === undefined ? undefined : { version: row.version, state: row.state, configHash: row.config_hash };
}
