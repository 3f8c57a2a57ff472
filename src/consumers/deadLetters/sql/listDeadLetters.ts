/** Lists dead letters by id (oldest first), optionally of one consumer or status, with their events. */
import type { SqlExecutor, StoreTables } from '../../../store/EventStore.js';
import {
  DEAD_LETTER_COLUMNS,
  deadLetterTable,
  toDeadLetter,
  type DeadLetter,
  type DeadLetterRow,
  type DeadLetterStatus,
} from '../DeadLetter.js';

/** Which page to list. */
export interface ListDeadLettersOptions {
  /** One consumer's (`projection:orders`, `publisher:kafka`…). */
  consumer?: string | undefined;
  status?: DeadLetterStatus | undefined;
  /** One stream's: [aggregate type, aggregate id]. */
  stream?: readonly [string, string] | undefined;
  /** Dead letters with an id greater than this. */
  after: number;
  limit: number;
}

/** One page of dead letters. */
export async function listDeadLetters(db: SqlExecutor, t: StoreTables, options: ListDeadLettersOptions): Promise<DeadLetter[]> {
  const { rows } = await db.query<DeadLetterRow>(
    `SELECT ${DEAD_LETTER_COLUMNS} FROM ${deadLetterTable(t)} d LEFT JOIN ${t.events} e ON e.position = d.position
     WHERE d.id > $1 AND ($3::text IS NULL OR d.consumer = $3) AND ($4::text IS NULL OR d.status = $4)
       AND ($5::text IS NULL OR (d.stream_type = $5 AND d.stream_id = $6)) ORDER BY d.id LIMIT $2`,
    [
      options.after,
      options.limit,
      options.consumer ?? null,
      options.status ?? null,
      options.stream?.[0] ?? null,
      options.stream?.[1] ?? null,
    ],
  );
  return rows.map(toDeadLetter);
}
