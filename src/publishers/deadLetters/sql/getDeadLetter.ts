/** Reads one dead letter with its event. */
import type { SqlExecutor, StoreTables } from '../../../store/EventStore.js';
import { DEAD_LETTER_COLUMNS, deadLetterTable, toDeadLetter, type DeadLetter, type DeadLetterRow } from '../DeadLetter.js';

/** The dead letter `id`, or undefined. */
export async function getDeadLetter(db: SqlExecutor, t: StoreTables, id: number): Promise<DeadLetter | undefined> {
  const { rows } = await db.query<DeadLetterRow>(`SELECT ${DEAD_LETTER_COLUMNS} FROM ${deadLetterTable(t)} d LEFT JOIN ${t.events} e ON e.position = d.position WHERE d.id = $1`, [id]);
  return rows[0] === undefined ? undefined : toDeadLetter(rows[0]);
}
