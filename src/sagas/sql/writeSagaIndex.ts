/** Writes saga_instances rows inside the append transaction of the saga events they describe. */
import type { SqlExecutor, StoreTables } from '../../store/EventStore.js';
import type { SagaIndexRow } from '../sagaIndexRows.js';

/** The quoted, qualified name of the index table. */
export function sagaIndexTable(t: StoreTables): string {
  return t.table('saga_instances');
}

/** Inserts the rows of new instances and updates the others. */
export async function writeSagaIndex(tx: SqlExecutor, t: StoreTables, rows: readonly SagaIndexRow[]): Promise<void> {
  const table = sagaIndexTable(t);
  const fresh = rows.filter((r) => r.started);
  const known = rows.filter((r) => !r.started);
  if (fresh.length > 0) {
    await tx.query(
      `INSERT INTO ${table} AS s (id, name, status, next_due_at, deadline, version)
       SELECT x.id, x.name, x.status, x.next_due_at, x.deadline, x.version
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, name text, status text, next_due_at timestamptz, deadline timestamptz, version integer)
       ON CONFLICT (id, tenant_id) DO UPDATE SET name = EXCLUDED.name, status = EXCLUDED.status, next_due_at = EXCLUDED.next_due_at,
         deadline = EXCLUDED.deadline, version = EXCLUDED.version, updated_at = now()`,
      [JSON.stringify(fresh)],
    );
  }
  if (known.length > 0) {
    await tx.query(
      `UPDATE ${table} AS s SET status = COALESCE(x.status, s.status), next_due_at = x.next_due_at, version = x.version, updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, status text, next_due_at timestamptz, version integer)
       WHERE s.id = x.id AND s.id = ANY($2::text[])`,
      // The ids again as an array: PostgreSQL estimates the JSON rows at 100 and, until the
      // table holds tens of thousands of instances, joins them by hashing a scan of the whole
      // table, a cost that grew with every order (issue 21's soak); `= ANY` reads the primary key.
      [JSON.stringify(known), known.map((r) => r.id)],
    );
  }
}
