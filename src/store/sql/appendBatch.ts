/**
 * Appends a batch of independent requests in ONE transaction (group commit, issue 8), while
 * each request keeps its own expected-version check, unique claims, idempotency key and
 * outcome. The transaction first takes a store-wide advisory lock, so:
 *  - the versions, unique holders and keys read below cannot change before the commit, and
 *    every check is decided here, in TypeScript, without relying on a constraint error that
 *    would abort the whole batch;
 *  - appends commit in the order they draw positions, so the global log grows in commit
 *    order and a reader that follows positions never skips an event.
 * The lock is held from the first read to the commit; one lock and one WAL flush serve the
 * whole batch, which is why batching pays.
 */
import { ConflictError, type TuskError } from '../../errors.js';
import type { AppendHook, AppendRequest, AppendResult, SqlExecutor, StoreTables, StoredEvent } from '../EventStore.js';

/** What happened to one request of the batch. */
export type AppendOutcome = { result: AppendResult } | { error: TuskError };

interface EventParam {
  n: number;
  id: string;
  st: string;
  si: string;
  v: number;
  ty: string;
  ev: number;
  d: unknown;
  m: Record<string, unknown>;
  ts: string;
}

const streamKey = (type: string, id: string) => `${type}\u0000${id}`;
const uniqueKey = (type: string, field: string, value: string) => `${type}\u0000${field}\u0000${value}`;

/** The advisory lock key of a store (one per schema and prefix). */
export function appendLockKey(t: StoreTables): string {
  return `tusk-es/append/${t.events}`;
}

/** Runs the batch inside `tx`; returns one outcome per request, in order. */
export async function appendBatch(tx: SqlExecutor, t: StoreTables, requests: readonly AppendRequest[], hooks: readonly AppendHook[]): Promise<AppendOutcome[]> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [appendLockKey(t)]);
  const current = await readVersions(tx, t, requests);
  const holders = await readUniqueHolders(tx, t, requests);
  const usedKeys = await readIdempotencyKeys(tx, t, requests);

  const outcomes: (AppendOutcome | undefined)[] = [];
  const accepted: { index: number; request: AppendRequest; firstVersion: number }[] = [];
  const touchedUniques = new Map<string, { type: string; field: string; value: string; owner: string | null }>();
  requests.forEach((request, index) => {
    const key = streamKey(request.streamType, request.streamId);
    const version = current.get(key) ?? 0;
    const problem = versionProblem(request, version) ?? uniqueProblem(request, holders) ?? keyProblem(request, usedKeys);
    if (problem !== undefined) {
      outcomes[index] = { error: problem };
      return;
    }
    current.set(key, version + request.events.length);
    for (const r of request.unique?.release ?? []) {
      const k = uniqueKey(request.streamType, r.field, r.value);
      if (holders.get(k) !== request.streamId) continue;
      holders.delete(k);
      touchedUniques.set(k, { type: request.streamType, field: r.field, value: r.value, owner: null });
    }
    for (const c of request.unique?.claim ?? []) {
      const k = uniqueKey(request.streamType, c.field, c.value);
      holders.set(k, request.streamId);
      touchedUniques.set(k, { type: request.streamType, field: c.field, value: c.value, owner: request.streamId });
    }
    if (request.idempotencyKey !== undefined) usedKeys.add(request.idempotencyKey);
    accepted.push({ index, request, firstVersion: version + 1 });
  });

  if (accepted.length > 0) {
    const stored = await writeAccepted(tx, t, accepted, current);
    if (touchedUniques.size > 0) await writeUniques(tx, t, [...touchedUniques.values()]);
    const all = accepted.flatMap(({ index }) => stored.get(index) ?? []).sort((a, b) => a.position - b.position);
    for (const hook of hooks) await hook(tx, all);
    for (const { index } of accepted) outcomes[index] = { result: { events: stored.get(index) ?? [] } };
  }
  return outcomes.map((o) => o!);
}

function versionProblem(request: AppendRequest, version: number): TuskError | undefined {
  const { expectedVersion: expected, streamType, streamId } = request;
  if (expected === 'any' || expected === version || (expected === 'no_stream' && version === 0)) return undefined;
  if (expected === 'no_stream') {
    return new ConflictError('STREAM_EXISTS', `${streamType} '${streamId}' already exists`, { expected: 0, actual: version });
  }
  return new ConflictError('VERSION_CONFLICT', `expected version ${expected} but ${streamType} '${streamId}' is at ${version}`, { expected, actual: version });
}

function uniqueProblem(request: AppendRequest, holders: ReadonlyMap<string, string>): TuskError | undefined {
  for (const c of request.unique?.claim ?? []) {
    const holder = holders.get(uniqueKey(request.streamType, c.field, c.value));
    if (holder !== undefined && holder !== request.streamId) {
      return new ConflictError('UNIQUE_VIOLATION', `another ${request.streamType} already has ${c.field} '${c.value}'`, { field: c.field, value: c.value });
    }
  }
  return undefined;
}

function keyProblem(request: AppendRequest, used: ReadonlySet<string>): TuskError | undefined {
  if (request.idempotencyKey === undefined || !used.has(request.idempotencyKey)) return undefined;
  return new ConflictError('IDEMPOTENCY_CONFLICT', 'this Idempotency-Key was already used', { idempotency_key: request.idempotencyKey });
}

async function readVersions(tx: SqlExecutor, t: StoreTables, requests: readonly AppendRequest[]): Promise<Map<string, number>> {
  const { rows } = await tx.query<{ stream_type: string; stream_id: string; version: number }>(
    `SELECT s.stream_type, s.stream_id, s.version FROM ${t.streams} s
     JOIN unnest($1::text[], $2::text[]) AS k(t, i) ON s.stream_type = k.t AND s.stream_id = k.i`,
    [requests.map((r) => r.streamType), requests.map((r) => r.streamId)],
  );
  return new Map(rows.map((r) => [streamKey(r.stream_type, r.stream_id), r.version]));
}

async function readUniqueHolders(tx: SqlExecutor, t: StoreTables, requests: readonly AppendRequest[]): Promise<Map<string, string>> {
  const claims = requests.flatMap((r) => [...(r.unique?.claim ?? []), ...(r.unique?.release ?? [])].map((c) => [r.streamType, c.field, c.value] as const));
  if (claims.length === 0) return new Map();
  const { rows } = await tx.query<{ stream_type: string; field: string; value: string; stream_id: string }>(
    `SELECT u.stream_type, u.field, u.value, u.stream_id FROM ${t.uniques} u
     JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(t, f, v) ON u.stream_type = k.t AND u.field = k.f AND u.value = k.v`,
    [claims.map((c) => c[0]), claims.map((c) => c[1]), claims.map((c) => c[2])],
  );
  return new Map(rows.map((r) => [uniqueKey(r.stream_type, r.field, r.value), r.stream_id]));
}

async function readIdempotencyKeys(tx: SqlExecutor, t: StoreTables, requests: readonly AppendRequest[]): Promise<Set<string>> {
  const keys = requests.flatMap((r) => (r.idempotencyKey === undefined ? [] : [r.idempotencyKey]));
  if (keys.length === 0) return new Set();
  const { rows } = await tx.query<{ key: string }>(`SELECT key FROM ${t.idempotency} WHERE key = ANY($1::text[])`, [keys]);
  return new Set(rows.map((r) => r.key));
}

/**
 * One statement writes the events, the stream versions, the idempotency records and the
 * snapshots of every accepted request (absent parts are empty sets), so a batch costs one
 * round trip for its writes whatever its size.
 */
async function writeAccepted(
  tx: SqlExecutor,
  t: StoreTables,
  accepted: readonly { index: number; request: AppendRequest; firstVersion: number }[],
  finalVersions: ReadonlyMap<string, number>,
): Promise<Map<number, StoredEvent[]>> {
  const events: EventParam[] = [];
  const owners = new Map<string, number>();
  const streams = new Map<string, { st: string; si: string; v: number }>();
  const snapshots = new Map<string, { st: string; si: string; v: number; h: string; s: unknown }>();
  const keys: { k: string; f: string; st: string; si: string; ids: string[] }[] = [];
  for (const { index, request, firstVersion } of accepted) {
    const { streamType: st, streamId: si } = request;
    request.events.forEach((e, i) => {
      owners.set(e.id, index);
      events.push({ n: events.length, id: e.id, st, si, v: firstVersion + i, ty: e.type, ev: e.eventVersion, d: e.data ?? {}, m: e.metadata, ts: e.timestamp.toISOString() });
    });
    const key = streamKey(st, si);
    streams.set(key, { st, si, v: finalVersions.get(key)! });
    // Several requests of one stream in a batch: the last snapshot wins (one row per stream).
    if (request.snapshot !== undefined) snapshots.set(key, { st, si, v: request.snapshot.version, h: request.snapshot.configHash, s: request.snapshot.state });
    if (request.idempotencyKey !== undefined) keys.push({ k: request.idempotencyKey, f: request.idempotencyFingerprint ?? '', st, si, ids: request.events.map((e) => e.id) });
  }
  const { rows } = await tx.query<{ position: number; id: string }>(
    `WITH ev AS (
       INSERT INTO ${t.events} (id, stream_type, stream_id, version, type, event_version, data, metadata, created_at)
       SELECT x.id, x.st, x.si, x.v, x.ty, x.ev, x.d, x.m, x.ts
       FROM jsonb_to_recordset($1::jsonb) AS x(n integer, id uuid, st text, si text, v integer, ty text, ev integer, d jsonb, m jsonb, ts timestamptz)
       ORDER BY x.n
       RETURNING position, id
     ), st AS (
       INSERT INTO ${t.streams} (stream_type, stream_id, version)
       SELECT x.st, x.si, x.v FROM jsonb_to_recordset($2::jsonb) AS x(st text, si text, v integer)
       ON CONFLICT (stream_type, stream_id) DO UPDATE SET version = EXCLUDED.version
     ), idem AS (
       INSERT INTO ${t.idempotency} (key, fingerprint, stream_type, stream_id, positions)
       SELECT x.k, x.f, x.st, x.si,
              ARRAY(SELECT ev.position FROM ev JOIN jsonb_array_elements_text(x.ids) AS e(id) ON ev.id = e.id::uuid ORDER BY ev.position)
       FROM jsonb_to_recordset($3::jsonb) AS x(k text, f text, st text, si text, ids jsonb)
     ), snap AS (
       INSERT INTO ${t.snapshots} (stream_type, stream_id, version, config_hash, state)
       SELECT x.st, x.si, x.v, x.h, x.s FROM jsonb_to_recordset($4::jsonb) AS x(st text, si text, v integer, h text, s jsonb)
       ON CONFLICT (stream_type, stream_id) DO UPDATE
         SET version = EXCLUDED.version, config_hash = EXCLUDED.config_hash, state = EXCLUDED.state, created_at = now()
     )
     SELECT position, id FROM ev`,
    [JSON.stringify(events), JSON.stringify([...streams.values()]), JSON.stringify(keys), JSON.stringify([...snapshots.values()])],
  );
  const positions = new Map(rows.map((r) => [r.id, Number(r.position)]));
  const out = new Map<number, StoredEvent[]>();
  for (const e of events) {
    const index = owners.get(e.id)!;
    const list = out.get(index) ?? [];
    list.push({
      id: e.id,
      type: e.ty,
      streamType: e.st,
      streamId: e.si,
      version: e.v,
      position: positions.get(e.id)!,
      eventVersion: e.ev,
      data: e.d,
      metadata: e.m,
      timestamp: new Date(e.ts),
    });
    out.set(index, list);
  }
  return out;
}

/** Applies the net change of unique values: every touched value is removed, then the new holders inserted. */
async function writeUniques(tx: SqlExecutor, t: StoreTables, touched: readonly { type: string; field: string; value: string; owner: string | null }[]): Promise<void> {
  await tx.query(
    `DELETE FROM ${t.uniques} u USING unnest($1::text[], $2::text[], $3::text[]) AS k(t, f, v)
     WHERE u.stream_type = k.t AND u.field = k.f AND u.value = k.v`,
    [touched.map((u) => u.type), touched.map((u) => u.field), touched.map((u) => u.value)],
  );
  const held = touched.filter((u) => u.owner !== null);
  if (held.length === 0) return;
  await tx.query(`INSERT INTO ${t.uniques} (stream_type, field, value, stream_id) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`, [
    held.map((u) => u.type),
    held.map((u) => u.field),
    held.map((u) => u.value),
    held.map((u) => u.owner),
  ]);
}
