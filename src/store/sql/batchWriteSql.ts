/**
 * The one statement that writes an append batch (see appendBatch): events, and — only when
 * the batch has any — idempotency records and snapshots. Leaving the unused
 * parts out keeps the common statement small: PGlite parses and plans every statement anew
 * (bench `embedded_64`), and a smaller plan also executes faster on PostgreSQL.
 */
import type { StoreTables } from '../EventStore.js';
import { literal } from '../layout/eventsTable.js';
import { deleteUniques, SENT_DIGEST, uniqueLookup } from './uniqueSql.js';

/** What the batch has besides events and stream versions. */
export interface BatchParts {
  keys: boolean;
  snapshots: boolean;
  /** Write only if every stream is at its base version (optimistic batches, see appendBatch). */
  guard: boolean;
  /**
   * Optimistic batches with unique values or idempotency keys: the statement writes the claims
   * and releases itself, and writes nothing if a claimed value has any holder or a key was used
   * (then appendChecked decides request by request).
   */
  claims: boolean;
  /**
   * The claims are checked by the uniques' primary key alone: no lookup first, and a held
   * value fails the whole statement with a unique violation (`isUniqueRefusal`), which only a
   * statement outside a transaction may do (appendAtOnce). Spares every claim an index lookup,
   * a second digest and a second read of the claims' JSON (issue 21).
   */
  claimsByKey?: boolean | undefined;
  releases: boolean;
  /** Write nothing if an idempotency key of the batch was used before. */
  keysGuard: boolean;
  /** Take this append lock (its key, a number: lockAppends) before writing anything. */
  lockKey?: string | undefined;
  /**
   * The log epoch's sequence (logEpoch.ts; needs `lockKey`): read once the lock is held and
   * returned as `epoch`; nothing is written unless it equals its parameter (after the releases).
   */
  epoch?: string | undefined;
  /**
   * Send the store's NOTIFY (AppendSignal) with the batch's commit, when it wrote anything: its
   * channel and payload are the two parameters after the epoch's (the batch's own).
   */
  notify?: boolean | undefined;
  /** Append hooks' statements (AppendFold), written with the batch; their parameters follow the batch's. */
  folds?: readonly string[] | undefined;
  /** A fold reads the inserted event rows (FoldContext.eventRows): `ev` returns all their columns. */
  eventRows?: boolean | undefined;
}

/** What every row a statement of the batch writes is joined with and filtered by (see FoldContext). */
export function batchFrame(parts: BatchParts): { rows: string; filter: string | undefined } {
  const guarded = isGuarded(parts);
  return {
    rows: parts.lockKey === undefined ? '' : 'CROSS JOIN lock',
    filter: guarded ? 'NOT EXISTS (SELECT 1 FROM stale)' : undefined,
  };
}

/** Whether the statement checks an assumption before it writes (the `stale` CTE). */
function isGuarded(parts: BatchParts): boolean {
  return parts.guard || (parts.claims && parts.claimsByKey !== true) || parts.keysGuard || parts.epoch !== undefined;
}

/** The columns of the `ev` rows a fold reads (FoldContext.eventRows). */
const EVENT_ROWS = 'position, id, stream_type, stream_id, version, type, event_version, data, metadata, created_at';

const cache = new WeakMap<StoreTables, Map<string, string>>();

/**
 * The statement text for `parts` (identical text for identical parts, so pg prepares each
 * variant once). The batch travels as JSON text (json_to_recordset: read once, no jsonb
 * document built first, which costs PGlite a tenth of a batch). Parameters: $1 events, then keys, snapshots and the guard's
 * stream bases when present, each a JSON array; it returns the new events' positions, in
 * ascending order, as one JSON array text (null when the guard failed: then nothing was
 * written). Ascending positions are the events' order in $1: the insert draws them in `n`
 * order (ORDER BY x.n), which the log relies on anyway (a stream's versions follow positions).
 */
export function batchWriteSql(t: StoreTables, parts: BatchParts): string {
  const key = `${parts.keys}/${parts.snapshots}/${parts.guard}/${parts.claims}/${parts.claimsByKey === true}/${parts.releases}/${parts.keysGuard}/${parts.lockKey ?? ''}/${parts.epoch ?? ''}/${parts.notify === true}/${parts.eventRows === true}/${parts.folds?.join('\u0000') ?? ''}`;
  let byParts = cache.get(t);
  if (byParts === undefined) cache.set(t, (byParts = new Map<string, string>()));
  let sql = byParts.get(key);
  if (sql === undefined) byParts.set(key, (sql = build(t, parts)));
  return sql;
}

function build(t: StoreTables, parts: BatchParts): string {
  let param = 1;
  const keysParam = parts.keys ? ++param : 0;
  const snapshotsParam = parts.snapshots ? ++param : 0;
  const guardParam = parts.guard ? ++param : 0;
  const claimsParam = parts.claims ? ++param : 0;
  const releasesParam = parts.releases ? ++param : 0;
  const epochParam = parts.epoch !== undefined ? ++param : 0;
  const notifyParam = parts.notify === true ? (param += 2) - 1 : 0;
  // The guard is evaluated once (a one-time filter); each stream's version is its newest
  // event's, found through the events' unique (stream_type, stream_id, version) index; a
  // claimed value's holder and a used key through their primary keys.
  const guarded = isGuarded(parts);
  // With the lock in the statement, every row written is joined with it: no row (and so no
  // position, no transaction id) can be produced before the lock is held.
  const { rows: locked, filter } = batchFrame(parts);
  const only = filter === undefined ? '' : `WHERE ${filter}`;
  const ctes: string[] = [];
  if (parts.lockKey !== undefined) {
    if (!/^-?\d{1,20}$/.test(parts.lockKey)) throw new Error(`not an advisory lock key: '${parts.lockKey}'`);
    ctes.push(`lock AS MATERIALIZED (SELECT pg_advisory_xact_lock(${parts.lockKey}) AS held)`);
  }
  if (parts.epoch !== undefined) {
    if (parts.lockKey === undefined) throw new Error('the log epoch is read under the append lock only');
    // Evaluated as each row of `lock` is projected, so after the lock is held; a sequence is
    // read outside the statement's snapshot (logEpoch.ts says why both matter).
    ctes.push(`ep AS MATERIALIZED (SELECT COALESCE(pg_sequence_last_value(${literal(parts.epoch)}::regclass), 0)::text AS e FROM lock)`);
  }
  if (guarded) {
    const checks: string[] = [];
    if (parts.guard) {
      checks.push(`SELECT 1 FROM jsonb_to_recordset($${guardParam}::jsonb) AS x(st text, si text, b integer) ${locked}
       WHERE COALESCE((SELECT e.version FROM ${t.events} e WHERE e.stream_type = x.st AND e.stream_id = x.si ORDER BY e.version DESC LIMIT 1), 0) <> x.b`);
    }
    if (parts.claims && parts.claimsByKey !== true) {
      checks.push(`SELECT 1 FROM json_to_recordset($${claimsParam}::json) AS x(st text, f text, v text, dg text) ${locked}
       WHERE ${uniqueLookup(t.uniques, 'stream_id', 'x.st', 'x.f', 'x.v', undefined, SENT_DIGEST('x.dg'))} IS NOT NULL`);
    }
    if (parts.keysGuard) {
      checks.push(`SELECT 1 FROM jsonb_to_recordset($${keysParam}::jsonb) AS x(k text) ${locked}
       WHERE (SELECT true FROM ${t.idempotency} i WHERE i.key = x.k LIMIT 1)`);
    }
    if (parts.epoch !== undefined)
      checks.push(`SELECT 1 FROM ep WHERE $${epochParam}::text IS NOT NULL AND ep.e IS DISTINCT FROM $${epochParam}::text`);
    ctes.push(`stale AS MATERIALIZED (SELECT 1 FROM (${checks.join('\n       UNION ALL ')}) AS c LIMIT 1)`);
  }
  ctes.push(
    `ev AS (
       INSERT INTO ${t.events} (id, stream_type, stream_id, version, type, event_version, data, metadata, created_at)
       SELECT x.id, x.st, x.si, x.v, x.ty, x.ev, x.d, x.m, x.ts
       FROM json_to_recordset($1::json) AS x(n integer, id uuid, st text, si text, v integer, ty text, ev integer, d jsonb, m jsonb, ts timestamptz) ${locked}
       ${only}
       ORDER BY x.n
       RETURNING ${parts.eventRows === true ? EVENT_ROWS : 'position, id'}
     )`,
  );
  if (parts.keys) {
    ctes.push(`idem AS (
       INSERT INTO ${t.idempotency} (key, fingerprint, stream_type, stream_id, positions)
       SELECT x.k, x.f, x.st, x.si,
              ARRAY(SELECT ev.position FROM ev JOIN jsonb_array_elements_text(x.ids) AS e(id) ON ev.id = e.id::uuid ORDER BY ev.position)
       FROM jsonb_to_recordset($${keysParam}::jsonb) AS x(k text, f text, st text, si text, ids jsonb) ${locked}
       ${only}
     )`);
  }
  if (parts.snapshots) {
    ctes.push(`snap AS (
       INSERT INTO ${t.snapshots} (stream_type, stream_id, version, config_hash, state)
       SELECT x.st, x.si, x.v, x.h, x.s FROM jsonb_to_recordset($${snapshotsParam}::jsonb) AS x(st text, si text, v integer, h text, s jsonb) ${locked}
       ${only}
       ON CONFLICT (stream_type, stream_id, tenant_id) DO UPDATE
         SET version = EXCLUDED.version, config_hash = EXCLUDED.config_hash, state = EXCLUDED.state, created_at = now()
     )`);
  }
  if (parts.claims) {
    ctes.push(`uc AS (
       INSERT INTO ${t.uniques} (stream_type, field, value, digest, stream_id)
       SELECT x.st, x.f, x.v, ${SENT_DIGEST('x.dg')}, x.si FROM json_to_recordset($${claimsParam}::json) AS x(st text, f text, v text, si text, dg text) ${locked}
       ${only}
     )`);
  }
  if (parts.releases) {
    // A value is released only by the stream that holds it (as appendChecked does).
    const source = `json_to_recordset($${releasesParam}::json) AS x(st text, f text, v text, si text) ${locked}`;
    ctes.push(
      `ur AS (${deleteUniques(t.uniques, source, 'x.st', 'x.f', 'x.v', 'x.si', guarded ? ' AND NOT EXISTS (SELECT 1 FROM stale)' : '')})`,
    );
  }
  (parts.folds ?? []).forEach((sql, i) => ctes.push(`h${i} AS (${sql})`));
  // The notification goes out with this commit: no statement (and no commit) of its own.
  const signal =
    notifyParam === 0
      ? ''
      : `, (SELECT count(*) FROM (SELECT pg_notify($${notifyParam}::text, $${notifyParam + 1}::text) FROM ev LIMIT 1) AS n) AS signaled`;
  // One row of JSON, not a row per event: the drivers (PGlite's most) parse it at once.
  const epoch = parts.epoch === undefined ? '' : ', (SELECT e FROM ep) AS epoch';
  return `WITH ${ctes.join(', ')}\n     SELECT json_agg(position ORDER BY position)::text AS written${epoch}${signal} FROM ev`;
}
