/**
 * Copying a tenant's tables from one store to another (a tenant move, moveTenant.ts): rows travel
 * as JSON text from PostgreSQL to PostgreSQL (`row_to_json` on one side, `json_populate_recordset`
 * on the other), never as JavaScript values, so numbers, times and jsonb come across exactly.
 * Identity columns (the log's positions, ids) keep their values; `tx_id` is the target's own
 * (the log's safe-read rule compares it with the target's transactions, see safeToRead).
 */
import type { EventStore, SqlExecutor } from '../../store/EventStore.js';
import { quoteIdent } from '../../store/quoteIdent.js';

/** Rows per statement. */
const CHUNK = 2_000;
/** Columns the target fills itself. */
const LOCAL_COLUMNS = new Set(['tx_id']);

/** The columns of `table` (qualified, quoted) that a copy writes, in table order. */
export async function copiedColumns(db: SqlExecutor, table: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute
      WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`,
    [table],
  );
  return rows.map((r) => r.name).filter((name) => !LOCAL_COLUMNS.has(name));
}

/** Inserts `json` (a JSON array of rows) into `table` of `target`, identity values kept. */
async function insertRows(target: SqlExecutor, table: string, columns: readonly string[], json: string): Promise<void> {
  const list = columns.map(quoteIdent).join(', ');
  await target.query(
    `INSERT INTO ${table} (${list}) OVERRIDING SYSTEM VALUE SELECT ${list} FROM json_populate_recordset(NULL::${table}, $1::json)`,
    [json],
  );
}

/**
 * Copies the events of `source` after position `after` to `target`, in position order, up to
 * `limit` of them; resolves to the last position copied (`after` when there was none). A batch
 * commits in position order under the append lock, so no event can appear below one already read.
 */
export async function copyEventsAfter(source: EventStore, target: EventStore, after: number, limit: number): Promise<number> {
  const table = source.tables.events;
  const columns = await copiedColumns(source, table);
  const list = columns.map(quoteIdent).join(', ');
  let last = after;
  for (let copied = 0; copied < limit; ) {
    const { rows } = await source.query<{ json: string | null; last: string | null; n: string }>(
      `SELECT json_agg(e ORDER BY position)::text AS json, max(position) AS last, count(*) AS n
         FROM (SELECT ${list} FROM ${table} WHERE position > $1 ORDER BY position LIMIT $2) e`,
      [last, Math.min(CHUNK, limit - copied)],
    );
    const chunk = rows[0]!;
    if (chunk.json === null || chunk.last === null) break;
    await insertRows(target, target.tables.events, columns, chunk.json);
    last = Number(chunk.last);
    copied += Number(chunk.n);
  }
  return last;
}

/** Copies every row of `name` (unqualified) from `source` to the same table of `target`; resolves to the rows copied. */
export async function copyTable(source: EventStore, target: EventStore, name: string): Promise<number> {
  const from = `${quoteIdent(source.tables.schema)}.${quoteIdent(name)}`;
  const to = `${quoteIdent(target.tables.schema)}.${quoteIdent(name)}`;
  const columns = await copiedColumns(target, to);
  const list = columns.map(quoteIdent).join(', ');
  return source.transaction(async (tx) => {
    await tx.query(`DECLARE tusk_move_rows NO SCROLL CURSOR FOR SELECT row_to_json(r)::text AS row FROM (SELECT ${list} FROM ${from}) r`);
    let total = 0;
    for (;;) {
      const { rows } = await tx.query<{ row: string }>(`FETCH ${CHUNK} FROM tusk_move_rows`);
      if (rows.length === 0) return total;
      await insertRows(target, to, columns, `[${rows.map((r) => r.row).join(',')}]`);
      total += rows.length;
    }
  });
}

/** Moves each identity sequence of `table` (qualified, quoted) of `db` past the largest value copied into it. */
export async function settleIdentities(db: SqlExecutor, table: string): Promise<void> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND attidentity <> ''`,
    [table],
  );
  for (const { name } of rows)
    await db.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), greatest(m, 1), m IS NOT NULL) FROM (SELECT max(${quoteIdent(name)}) AS m FROM ${table}) x`,
      [table, name],
    );
}
