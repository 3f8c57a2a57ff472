/**
 * Archival in the store (issue 16 item 3): which streams qualify, the move of a batch of
 * streams to the archived partition (copy-verify-delete as one transaction: PostgreSQL moves a
 * row between partitions when its partition key changes), and whether a read touched it.
 */
import type { ArchiveRule, ArchivableStream, SqlExecutor, StoreTables } from '../EventStore.js';
import { bumpLogEpoch } from './logEpoch.js';

/**
 * Up to `limit` streams of `rule.streamType` with events not yet archived whose newest event
 * is older than `rule.before`, or which hold an event of a `rule.closing` type; oldest first.
 * `keep`: the newest events of each stream that stay where they are (the files tier keeps one).
 */
export async function archivableStreams(
  db: SqlExecutor,
  t: StoreTables,
  rule: ArchiveRule,
  limit: number,
  keep = 0,
): Promise<ArchivableStream[]> {
  const { rows } = await db.query<{ stream_id: string; n: number }>(
    `SELECT stream_id, count(*)::int - $5 AS n FROM ${t.events}
      WHERE stream_type = $1 AND NOT archived
      GROUP BY stream_id
     HAVING count(*) > $5 AND (($2::timestamptz IS NOT NULL AND max(created_at) < $2::timestamptz) OR ($3::text[] IS NOT NULL AND bool_or(type = ANY($3::text[]))))
      ORDER BY min(position) LIMIT $4`,
    [...ruleParams(rule), limit, keep],
  );
  return rows.map((r) => ({ streamType: rule.streamType, streamId: r.stream_id, events: r.n }));
}

/** Events not yet archived of the streams `rule` selects (the total a progress bar counts down). */
export async function countArchivable(db: SqlExecutor, t: StoreTables, rule: ArchiveRule, keep = 0): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT COALESCE(sum(n), 0)::int AS n FROM (
       SELECT count(*) - $4 AS n FROM ${t.events} WHERE stream_type = $1 AND NOT archived GROUP BY stream_id
       HAVING count(*) > $4 AND (($2::timestamptz IS NOT NULL AND max(created_at) < $2::timestamptz) OR ($3::text[] IS NOT NULL AND bool_or(type = ANY($3::text[]))))) AS s`,
    [...ruleParams(rule), keep],
  );
  return rows[0]?.n ?? 0;
}

function ruleParams(rule: ArchiveRule): unknown[] {
  return [
    rule.streamType,
    rule.before?.toISOString() ?? null,
    rule.closing === undefined || rule.closing.length === 0 ? null : [...rule.closing],
  ];
}

/**
 * Inside `tx`, which holds the append lock: marks every event of `streams` archived, which
 * moves the rows into the archived partition; verifies that exactly the rows counted (and
 * locked) first were moved and that none of those streams has a hot event left, else throws
 * (and the transaction moves nothing); and bumps the log epoch (a version a writer remembers
 * may now be refused by no index). Resolves to the number of events moved.
 */
export async function archiveStreams(
  tx: SqlExecutor,
  t: StoreTables,
  streams: readonly { streamType: string; streamId: string }[],
): Promise<number> {
  if (streams.length === 0) return 0;
  const params = [streams.map((s) => s.streamType), streams.map((s) => s.streamId)];
  const streamsOf = `unnest($1::text[], $2::text[]) AS s(t, i)`;
  const same = `e.stream_type = s.t AND e.stream_id = s.i AND NOT e.archived`;
  const locked = await tx.query<{ position: string }>(
    `SELECT e.position FROM ${t.events} e JOIN ${streamsOf} ON ${same} FOR UPDATE OF e`,
    params,
  );
  const moved = await tx.query<{ position: string }>(
    `UPDATE ${t.events} e SET archived = true FROM ${streamsOf} WHERE ${same} RETURNING e.position`,
    params,
  );
  const left = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t.events} e JOIN ${streamsOf} ON ${same}`, params);
  const expected = new Set(locked.rows.map((r) => String(r.position)));
  if (moved.rows.length !== expected.size || moved.rows.some((r) => !expected.has(String(r.position))) || left.rows[0]!.n !== 0) {
    throw new Error(`archive: moved ${moved.rows.length} of ${expected.size} events, ${left.rows[0]!.n} left hot: batch rolled back`);
  }
  if (moved.rows.length > 0) await bumpLogEpoch(tx, t);
  return moved.rows.length;
}

/** True when the stream has an archived event at or below `maxVersion` (any, without it). */
export async function readsArchive(
  db: SqlExecutor,
  t: StoreTables,
  streamType: string,
  streamId: string,
  maxVersion?: number,
): Promise<boolean> {
  const { rows } = await db.query<{ hit: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM ${t.events} WHERE stream_type = $1 AND stream_id = $2 AND archived AND version <= $3) AS hit`,
    [streamType, streamId, maxVersion ?? 2_147_483_647],
  );
  return rows[0]?.hit === true;
}
