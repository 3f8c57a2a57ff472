/**
 * The removals table (migration 13): queued and done removals of events, and the mark that
 * tells consumers a removal happened after they read a batch (see removeEvents).
 */
import type { Removal, RemovalKind, SqlExecutor, StoreTables } from '../EventStore.js';

const COLUMNS = 'id, kind, stream_type, stream_id, before_version, status, events_removed, error, mark, requested_at, finished_at, tenant';

interface RemovalRow {
  id: number | string;
  kind: RemovalKind;
  stream_type: string;
  stream_id: string;
  before_version: number | null;
  status: Removal['status'];
  events_removed: number | string;
  error: string | null;
  mark: number | string | null;
  requested_at: Date;
  finished_at: Date | null;
  tenant: string | null;
}

function toRemoval(row: RemovalRow): Removal {
  return {
    id: Number(row.id),
    kind: row.kind,
    streamType: row.stream_type,
    streamId: row.stream_id,
    beforeVersion: row.before_version,
    status: row.status,
    eventsRemoved: Number(row.events_removed),
    error: row.error,
    mark: row.mark === null ? null : Number(row.mark),
    requestedAt: new Date(row.requested_at),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
    tenant: row.tenant,
  };
}

/** The newest mark (0 when nothing was removed yet). */
export async function removalMark(db: SqlExecutor, t: StoreTables): Promise<number> {
  const { rows } = await db.query<{ mark: number | string | null }>(`SELECT max(mark) AS mark FROM ${t.table('removals')}`);
  return Number(rows[0]?.mark ?? 0);
}

/** Queues a removal (pending) of `tenant`'s stream (null outside tenancy). */
export async function requestRemoval(
  db: SqlExecutor,
  t: StoreTables,
  r: { kind: RemovalKind; streamType: string; streamId: string; beforeVersion?: number },
  tenant: string | null,
): Promise<Removal> {
  const { rows } = await db.query<RemovalRow>(
    `INSERT INTO ${t.table('removals')} (kind, stream_type, stream_id, before_version, tenant) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
    [r.kind, r.streamType, r.streamId, r.beforeVersion ?? null, tenant],
  );
  return toRemoval(rows[0]!);
}

/** Claims the oldest pending (or abandoned running) removal. */
export async function claimRemoval(db: SqlExecutor, t: StoreTables): Promise<Removal | undefined> {
  const table = t.table('removals');
  const { rows } = await db.query<RemovalRow>(
    `UPDATE ${table} SET status = 'running'
      WHERE id = (SELECT id FROM ${table} WHERE status IN ('pending', 'running') ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING ${COLUMNS}`,
  );
  return rows[0] === undefined ? undefined : toRemoval(rows[0]);
}

/** Only `tenant`'s removals; undefined: every removal (the system, a store without tenancy). */
const OF_TENANT = `($2::text IS NULL OR tenant = $2::text)`;

/** One removal by id (of `tenant` only, when given). */
export async function findRemoval(db: SqlExecutor, t: StoreTables, id: number, tenant?: string): Promise<Removal | undefined> {
  const { rows } = await db.query<RemovalRow>(`SELECT ${COLUMNS} FROM ${t.table('removals')} WHERE id = $1 AND ${OF_TENANT}`, [
    id,
    tenant ?? null,
  ]);
  return rows[0] === undefined ? undefined : toRemoval(rows[0]);
}

/** The newest removals (of `tenant` only, when given), id descending. */
export async function listRemovals(db: SqlExecutor, t: StoreTables, limit: number, tenant?: string): Promise<Removal[]> {
  const { rows } = await db.query<RemovalRow>(
    `SELECT ${COLUMNS} FROM ${t.table('removals')} WHERE ${OF_TENANT} ORDER BY id DESC LIMIT $1`,
    [limit, tenant ?? null],
  );
  return rows.map(toRemoval);
}

/** Marks a removal failed. */
export async function failRemoval(db: SqlExecutor, t: StoreTables, id: number, error: string): Promise<void> {
  await db.query(
    `UPDATE ${t.table('removals')} SET status = 'failed', error = $2, finished_at = now() WHERE id = $1 AND status <> 'done'`,
    [id, error],
  );
}

/** Records a removal done in `tx` (which holds the append lock): the queued row, or a new one. */
export async function recordRemoval(
  tx: SqlExecutor,
  t: StoreTables,
  r: { kind: RemovalKind; streamType: string; streamId: string; beforeVersion?: number; removalId?: number },
  removed: number,
  tenant: string | null,
): Promise<Removal> {
  const table = t.table('removals');
  const mark = `(SELECT coalesce(max(mark), 0) + 1 FROM ${table})`;
  const { rows } =
    r.removalId === undefined
      ? await tx.query<RemovalRow>(
          `INSERT INTO ${table} (kind, stream_type, stream_id, before_version, status, events_removed, mark, finished_at, tenant)
           VALUES ($1, $2, $3, $4, 'done', $5, ${mark}, now(), $6) RETURNING ${COLUMNS}`,
          [r.kind, r.streamType, r.streamId, r.beforeVersion ?? null, removed, tenant],
        )
      : await tx.query<RemovalRow>(
          `UPDATE ${table} SET status = 'done', error = NULL, events_removed = $2, mark = ${mark}, finished_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
          [r.removalId, removed],
        );
  if (rows[0] === undefined) throw new Error(`removal ${r.removalId} is not recorded`);
  return toRemoval(rows[0]);
}
