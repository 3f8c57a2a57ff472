/**
 * Reads the global log after a position, safe events only (see safeToRead): an event whose
 * transaction commits late can then never be overtaken by a reader's checkpoint.
 */
import type { ReadAllOptions, SqlExecutor, StoreTables, StoredEvent } from '../EventStore.js';
import { EVENT_COLUMNS, toStoredEvent, type EventRow } from '../eventRow.js';
import { safeToRead } from '../safeToRead.js';

/** Events after `options.after`, in position order, at most `options.limit`. */
export async function readAll(db: SqlExecutor, t: StoreTables, options: ReadAllOptions): Promise<StoredEvent[]> {
  const safe = safeToRead();
  const { rows } =
    options.types === undefined
      ? await db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM ${t.events} WHERE position > $1 AND ${safe} ORDER BY position LIMIT $2`, [options.after, options.limit])
      : await db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM ${t.events} WHERE position > $1 AND type = ANY($3::text[]) AND ${safe} ORDER BY position LIMIT $2`, [
          options.after,
          options.limit,
          [...options.types],
        ]);
  return rows.map(toStoredEvent);
}
