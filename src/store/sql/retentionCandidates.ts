/**
 * The streams of one type past their retention, and where each is cut. A closing snapshot
 * (`$snapshot`) counts toward max_count but never makes a stream too old: it keeps the time of
 * the event it replaced, and cutting there again would change nothing.
 */
import type { RetentionCandidate, RetentionLimits, SqlExecutor, StoreTables } from '../EventStore.js';

/** Up to `limit` streams of `streamType` past `limits`, with the version to truncate before. */
export async function retentionCandidates(
  db: SqlExecutor,
  t: StoreTables,
  streamType: string,
  limits: RetentionLimits,
  limit: number,
): Promise<RetentionCandidate[]> {
  // By tenant too: one stream id of two tenants (a conjoined store, read as the system) is two streams.
  const { rows } = await db.query<{ tenant_id: string; stream_id: string; before_version: number | string }>(
    `SELECT tenant_id, stream_id, greatest(
        CASE WHEN $2::int IS NOT NULL AND count(*) > $2::int THEN max(version) - $2::int + 2 END,
        CASE WHEN $3::timestamptz IS NOT NULL THEN max(version) FILTER (WHERE created_at < $3::timestamptz AND type <> '$snapshot') + 1 END
      ) AS before_version
       FROM ${t.events}
      WHERE stream_type = $1
      GROUP BY tenant_id, stream_id
     HAVING ($2::int IS NOT NULL AND count(*) > $2::int)
         OR ($3::timestamptz IS NOT NULL AND count(*) FILTER (WHERE created_at < $3::timestamptz AND type <> '$snapshot') > 0)
      ORDER BY stream_id, tenant_id
      LIMIT $4`,
    [streamType, limits.maxCount ?? null, limits.olderThan?.toISOString() ?? null, limit],
  );
  return rows.map((r) => ({
    streamId: r.stream_id,
    beforeVersion: Number(r.before_version),
    tenant: r.tenant_id === '' ? null : r.tenant_id,
  }));
}
