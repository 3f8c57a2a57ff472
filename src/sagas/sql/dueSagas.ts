/** The saga instances the scheduler should look at now: a step or retry is due, or the deadline passed. */
import type { SqlExecutor, StoreTables } from '../../store/EventStore.js';
import { sagaIndexTable } from './writeSagaIndex.js';

/** A due instance: its id, and its tenant in a conjoined store (undefined: single tenant). */
export interface DueSaga {
  id: string;
  tenant: string | undefined;
}

/** Instances due at `now`, most overdue first (of every tenant: the scheduler runs as the system). */
export async function dueSagas(db: SqlExecutor, t: StoreTables, now: Date, limit: number): Promise<DueSaga[]> {
  const { rows } = await db.query<{ id: string; tenant_id: string }>(
    `SELECT id, tenant_id FROM ${sagaIndexTable(t)}
     WHERE next_due_at <= $1 OR (status = 'running' AND deadline <= $1)
     ORDER BY LEAST(next_due_at, CASE WHEN status = 'running' THEN deadline END)
     LIMIT $2`,
    [now.toISOString(), limit],
  );
  return rows.map((r) => ({ id: r.id, tenant: r.tenant_id === '' ? undefined : r.tenant_id }));
}
