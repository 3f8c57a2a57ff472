/** The saga instances the scheduler should look at now: a step or retry is due, or the deadline passed. */
import type { SqlExecutor, StoreTables } from '../../store/EventStore.js';
import { sagaIndexTable } from './writeSagaIndex.js';

/** A due instance: its id, and its tenant in a conjoined store (undefined: single tenant). */
export interface DueSaga {
  id: string;
  tenant: string | undefined;
}

/**
 * Instances due at `now`, most overdue first (of every tenant: the scheduler runs as the system).
 * Two ordered scans of the two partial indexes, not one bitmap scan of both: every update of an
 * instance leaves its old entry in the next_due_at index until a vacuum, up to a fifth of all
 * instances ever started, and a bitmap scan read each of those and its heap page at every poll
 * (issue 21's soak: 24,000 entries a poll after 120,000 orders). A plain index scan marks the
 * entries it finds dead, so the next poll skips them without reading the heap.
 */
export async function dueSagas(db: SqlExecutor, t: StoreTables, now: Date, limit: number): Promise<DueSaga[]> {
  const table = sagaIndexTable(t);
  const { rows } = await db.query<{ id: string; tenant_id: string }>(
    `SELECT id, tenant_id FROM (
       (SELECT id, tenant_id, next_due_at AS due FROM ${table} WHERE next_due_at <= $1 ORDER BY next_due_at LIMIT $2)
       UNION ALL
       (SELECT id, tenant_id, deadline AS due FROM ${table} WHERE status = 'running' AND deadline <= $1 ORDER BY deadline LIMIT $2)
     ) due ORDER BY due LIMIT $2`,
    [now.toISOString(), limit],
  );
  // An instance past both its due time and its deadline comes from both scans: once is enough.
  const seen = new Set<string>();
  const due: DueSaga[] = [];
  for (const r of rows) {
    const key = `${r.tenant_id}\u0000${r.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    due.push({ id: r.id, tenant: r.tenant_id === '' ? undefined : r.tenant_id });
  }
  return due;
}
