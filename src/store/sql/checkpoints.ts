/** Checkpoints of log readers (async projections, publishers, sagas): a global position per name. */
import type { SqlExecutor, StoreTables } from '../EventStore.js';

/** The saved position of `name`, 0 when none. */
export async function loadCheckpoint(db: SqlExecutor, t: StoreTables, name: string): Promise<number> {
  const { rows } = await db.query<{ position: number }>(`SELECT position FROM ${t.checkpoints} WHERE name = $1`, [name]);
  return Number(rows[0]?.position ?? 0);
}

/** Saves the position of `name` (normally in the transaction that did the work up to it). */
export async function saveCheckpoint(db: SqlExecutor, t: StoreTables, name: string, position: number): Promise<void> {
  await db.query(
    `INSERT INTO ${t.checkpoints} (name, position) VALUES ($1, $2)
     ON CONFLICT (name, tenant_id) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
    [name, position],
  );
}

/**
 * The statement of an append batch (a CTE body, see AppendFold) that saves checkpoint `name`
 * at the position the batch's event `eventId` gets from its `ev` statement: placeholders given.
 */
export function checkpointOfBatch(t: StoreTables, name: string, eventId: string): string {
  return `INSERT INTO ${t.checkpoints} (name, position) SELECT ${name}::text, ev.position FROM ev WHERE ev.id = ${eventId}::uuid
     ON CONFLICT (name, tenant_id) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`;
}
