/**
 * Creates a log reader's checkpoint at `position` unless it already exists (loadCheckpoint
 * cannot tell "no checkpoint" from "at 0", and a restart must not skip what is still unread).
 */
import type { SqlExecutor, StoreTables } from '../../store/EventStore.js';

/** Inserts the checkpoint `name` at `position` if there is none; returns the checkpoint in force. */
export async function initCheckpoint(db: SqlExecutor, t: StoreTables, name: string, position: number): Promise<number> {
  await db.query(`INSERT INTO ${t.checkpoints} (name, position) VALUES ($1, $2) ON CONFLICT (name, tenant_id) DO NOTHING`, [
    name,
    position,
  ]);
  const { rows } = await db.query<{ position: string | number }>(`SELECT position FROM ${t.checkpoints} WHERE name = $1`, [name]);
  return Number(rows[0]?.position ?? position);
}
