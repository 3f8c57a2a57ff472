/**
 * Reads the global log after a position, safe events only (see safeToRead): an event whose
 * transaction commits late can then never be overtaken by a reader's checkpoint.
 */
import type { ReadAllOptions, SqlExecutor, StoreTables, StoredEvent } from '../EventStore.js';
import { LOG_COLUMNS, toStoredEvent, type EventRow } from '../eventRow.js';
import { inPartition } from './partitionOf.js';
import { safeToRead } from '../safeToRead.js';

/** Events after `options.after`, in position order, at most `options.limit`. */
export async function readAll(db: SqlExecutor, t: StoreTables, options: ReadAllOptions): Promise<StoredEvent[]> {
  const { sql, params } = logFilter(options);
  const { rows } = await db.query<EventRow>(
    `SELECT ${LOG_COLUMNS} FROM ${t.events} WHERE ${sql} AND ${safeToRead()} ORDER BY position LIMIT $2`,
    params,
  );
  return rows.map(toStoredEvent);
}

/**
 * The WHERE condition of a read of the log (without the safe-to-read rule): `$1` is `after`,
 * `$2` the limit, then the types and the partition when the options have them.
 */
export function logFilter(options: ReadAllOptions): { sql: string; params: unknown[] } {
  const params: unknown[] = [options.after, options.limit];
  const where = ['position > $1'];
  if (options.types !== undefined) {
    params.push([...options.types]);
    where.push(`type = ANY($${params.length}::text[])`);
  }
  const partition = options.partition;
  if (partition !== undefined && partition.count > 1) {
    params.push(partition.count, partition.index);
    where.push(inPartition(`$${params.length - 1}::bigint`, `$${params.length}::bigint`));
  }
  return { sql: where.join(' AND '), params };
}
