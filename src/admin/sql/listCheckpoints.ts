/** Every named reader's checkpoint (projections, relays, sagas, consumers), for per-consumer lag. */
import type { SqlExecutor, StoreTables } from '../../store/EventStore.js';

/** Checkpoint name → position. */
export async function listCheckpoints(db: SqlExecutor, t: StoreTables): Promise<{ name: string; position: number }[]> {
  const { rows } = await db.query<{ name: string; position: number | string }>(`SELECT name, position FROM ${t.checkpoints} ORDER BY name`);
  return rows.map((r) => ({ name: r.name, position: Number(r.position) }));
}
