/** A page of one saga's instances from the saga_instances index (GET /sagas/{name}). */
import type { SqlExecutor, StoreTables } from '../../store/EventStore.js';
import { sagaIndexTable } from './writeSagaIndex.js';

/** One instance as the list shows it. */
export interface SagaListRow {
  saga_id: string;
  status: string;
  next_due_at: string | null;
  deadline: string | null;
  updated_at: string;
}

/** Instances of saga `name` (optionally only those in `statuses`), most recently changed first. */
export async function listSagas(
  db: SqlExecutor,
  t: StoreTables,
  name: string,
  statuses: readonly string[] | undefined,
  limit: number,
  offset: number,
): Promise<SagaListRow[]> {
  const { rows } = await db.query<{
    id: string;
    status: string;
    next_due_at: Date | string | null;
    deadline: Date | string | null;
    updated_at: Date | string;
  }>(
    `SELECT id, status, next_due_at, deadline, updated_at FROM ${sagaIndexTable(t)}
     WHERE name = $1 AND ($2::text[] IS NULL OR status = ANY($2::text[]))
     ORDER BY updated_at DESC, id
     LIMIT $3 OFFSET $4`,
    [name, statuses ?? null, limit, offset],
  );
  const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());
  return rows.map((r) => ({
    saga_id: r.id,
    status: r.status,
    next_due_at: iso(r.next_due_at),
    deadline: iso(r.deadline),
    updated_at: iso(r.updated_at)!,
  }));
}
