/** Lists dead letters by id (oldest first), optionally of one relay, with their events. */
import type { SqlExecutor, StoreTables } from '../../../store/EventStore.js';
import { DEAD_LETTER_COLUMNS, deadLetterTable, toDeadLetter, type DeadLetter, type DeadLetterRow } from '../DeadLetter.js';

/** Which page to list. */
export interface ListDeadLettersOptions {
  relay?: string | undefined;
  /** Dead letters with an id greater than this. */
  after: number;
  limit: number;
}

/** One page of dead letters. */
export async function listDeadLetters(db: SqlExecutor, t: StoreTables, options: ListDeadLettersOptions): Promise<DeadLetter[]> {
  const from = `${deadLetterTable(t)} d LEFT JOIN ${t.events} e ON e.position = d.position`;
  const { rows } =
    options.relay === undefined
      ? await db.query<DeadLetterRow>(`SELECT ${DEAD_LETTER_COLUMNS} FROM ${from} WHERE d.id > $1 ORDER BY d.id LIMIT $2`, [options.after, options.limit])
      : await db.query<DeadLetterRow>(`SELECT ${DEAD_LETTER_COLUMNS} FROM ${from} WHERE d.id > $1 AND d.relay = $3 ORDER BY d.id LIMIT $2`, [
          options.after,
          options.limit,
          options.relay,
        ]);
  return rows.map(toDeadLetter);
}
