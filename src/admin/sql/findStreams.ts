/** The admin page's stream search: streams of one aggregate type whose id starts with a prefix. */
import type { SqlExecutor, StoreTables } from '../../store/EventStore.js';

/** One stream as the search lists it. */
export interface StreamRow {
  aggregate_type: string;
  aggregate_id: string;
  version: number;
  created_at: string;
}

/**
 * Up to `limit` streams of `type` whose id starts with `prefix`, by id, after `afterId`. A
 * stream is found through its first event (every stream has exactly one version 1), so the
 * search never groups a whole type's events; the version comes from the (stream, version) index.
 */
export async function findStreams(
  db: SqlExecutor,
  t: StoreTables,
  type: string,
  prefix: string,
  afterId: string,
  limit: number,
): Promise<StreamRow[]> {
  const { rows } = await db.query<{ stream_id: string; version: number | string; created_at: Date | string }>(
    `SELECT e.stream_id, e.created_at,
            (SELECT v.version FROM ${t.events} v WHERE v.stream_type = e.stream_type AND v.stream_id = e.stream_id ORDER BY v.version DESC LIMIT 1) AS version
       FROM ${t.events} e
      WHERE e.stream_type = $1 AND e.version = 1 AND left(e.stream_id, length($2)) = $2 AND e.stream_id > $3
      ORDER BY e.stream_id
      LIMIT $4`,
    [type, prefix, afterId, limit],
  );
  return rows.map((r) => ({
    aggregate_type: type,
    aggregate_id: r.stream_id,
    version: Number(r.version),
    created_at: new Date(r.created_at).toISOString(),
  }));
}
