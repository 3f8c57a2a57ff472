/** What a retry of a parked dead letter releases: it and the events held back behind it. */
import type { SqlExecutor, StoreTables } from '../../../store/EventStore.js';
import { DEAD_LETTER_COLUMNS, deadLetterTable, toDeadLetter, type DeadLetter, type DeadLetterRow } from '../DeadLetter.js';

/**
 * Locks dead letter `id` (FOR UPDATE: a consumer's commit that holds its stream back waits, or
 * has already written its held rows, which this then reads) and returns it with the events held
 * back behind it (a parked one), in log order; undefined when it is gone.
 */
export async function lockForRetry(tx: SqlExecutor, t: StoreTables, id: number): Promise<DeadLetter[] | undefined> {
  const from = `${deadLetterTable(t)} d LEFT JOIN ${t.events} e ON e.position = d.position`;
  const locked = await tx.query<{ id: string | number }>(`SELECT id FROM ${deadLetterTable(t)} WHERE id = $1 FOR UPDATE`, [id]);
  if (locked.rows.length === 0) return undefined;
  const { rows } = await tx.query<DeadLetterRow>(`SELECT ${DEAD_LETTER_COLUMNS} FROM ${from} WHERE d.id = $1`, [id]);
  const letter = toDeadLetter(rows[0]!);
  if (letter.status !== 'parked') return [letter];
  const held = await tx.query<DeadLetterRow>(
    `SELECT ${DEAD_LETTER_COLUMNS} FROM ${from} WHERE d.consumer = $1 AND d.stream_type = $2 AND d.stream_id = $3 AND d.status = 'held' AND d.position > $4 ORDER BY d.position`,
    [letter.consumer, letter.aggregateType, letter.aggregateId, letter.position],
  );
  return [letter, ...held.rows.map(toDeadLetter)];
}

/** Deletes the dead letters `ids` (they were handled). */
export async function deleteDeadLetters(tx: SqlExecutor, t: StoreTables, ids: readonly number[]): Promise<void> {
  await tx.query(`DELETE FROM ${deadLetterTable(t)} WHERE id = ANY($1::bigint[])`, [ids.map(String)]);
}

/**
 * Removes every dead letter of `consumer`: a rebuild of a projection applied every event again
 * (in its swap's transaction, before the tables are swapped, so a retry in flight finishes first).
 */
export async function clearDeadLetters(tx: SqlExecutor, t: StoreTables, consumer: string): Promise<void> {
  await tx.query(`DELETE FROM ${deadLetterTable(t)} WHERE consumer = $1`, [consumer]);
}
