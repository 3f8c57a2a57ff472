/** The number of rows of a read model's main table (the admin page's projection list). */
import type { SqlExecutor } from '../../store/EventStore.js';
import { qualify } from '../../store/quoteIdent.js';

/** `count(*)` of `schema.table`. */
export async function countRows(db: SqlExecutor, schema: string, table: string): Promise<number> {
  const { rows } = await db.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${qualify(schema, table)}`);
  return Number(rows[0]?.n ?? 0);
}
