/** The streams a consumer holds back: those with a parked dead letter. */
import type { SqlExecutor, StoreTables } from '../../../store/EventStore.js';
import { deadLetterTable } from '../DeadLetter.js';

/** Stream key → position of its parked event, for one consumer. */
export type ParkedStreams = ReadonlyMap<string, number>;

/** The key of a stream in ParkedStreams. */
export function streamKey(streamType: string, streamId: string): string {
  return `${streamType}\u0000${streamId}`;
}

/**
 * The parked streams of `consumer`. With `lock`, the parked rows are locked FOR SHARE until
 * `db`'s transaction ends, so a retry (which deletes them) waits for it, and then sees what it wrote.
 */
export async function parkedStreams(db: SqlExecutor, t: StoreTables, consumer: string, lock = false): Promise<ParkedStreams> {
  const { rows } = await db.query<{ stream_type: string; stream_id: string; position: string | number }>(
    `SELECT stream_type, stream_id, position FROM ${deadLetterTable(t)} WHERE consumer = $1 AND status = 'parked'${lock ? ' FOR SHARE' : ''}`,
    [consumer],
  );
  return new Map(rows.map((r) => [streamKey(r.stream_type, r.stream_id), Number(r.position)]));
}

/** Waiting events (parked and held) per consumer, across the cluster: /metrics and /health. */
export async function countParked(db: SqlExecutor, t: StoreTables): Promise<Map<string, number>> {
  const { rows } = await db.query<{ consumer: string; n: string | number }>(
    `SELECT consumer, count(*) AS n FROM ${deadLetterTable(t)} WHERE status IN ('parked', 'held') GROUP BY consumer ORDER BY consumer`,
  );
  return new Map(rows.map((r) => [r.consumer, Number(r.n)]));
}
