/**
 * Appends a batch of independent requests in ONE transaction (group commit, issue 8), while
 * each request keeps its own expected-version check, unique claims, idempotency key and
 * outcome. The caller's transaction already holds the store-wide append lock (lockAppends on
 * PostgreSQL; PGlite runs one transaction at a time), so:
 *  - the versions, unique holders and keys read below cannot change before the commit, and
 *    every check is decided here, in TypeScript, without relying on a constraint error that
 *    would abort the whole batch;
 *  - appends commit in the order they draw positions, so the global log grows in commit
 *    order and a reader that follows positions never skips an event.
 * The lock is held from the first read to the commit; one lock and one WAL flush serve the
 * whole batch, which is why batching pays. The common batch (see appendOptimistically) costs
 * a single statement inside the lock.
 */
import { ConflictError, type TuskError } from '../../errors.js';
import type { AppendFold, AppendHook, AppendRequest, AppendResult, SqlExecutor, StoreTables, StoredEvent } from '../EventStore.js';
import { deleteUniques, UNIQUE_DIGEST, uniqueLookup } from './uniqueSql.js';
import {
  NOT_FOLDED,
  streamKey,
  writeAccepted,
  type AcceptedAppend,
  type EpochCheck,
  type StoreNotify,
  type StreamBase,
} from './writeAccepted.js';

export { NOT_FOLDED } from './writeAccepted.js';

/** What happened to one request of the batch. */
export type AppendOutcome = { result: AppendResult } | { error: TuskError };

const uniqueKey = (type: string, field: string, value: string) => `${type}\u0000${field}\u0000${value}`;

/**
 * Stream versions known without reading them (StreamVersions). On the embedded store they are
 * the current versions; on PostgreSQL another process may have appended since, so there they
 * are only passed where the events' unique index refuses a stale write, with the log epoch
 * they hold under (appendAtOnce).
 */
export interface KnownVersions {
  get(streamType: string, streamId: string): number | undefined;
}

/** Runs the batch inside `tx`, which holds the append lock; returns one outcome per request, in order. */
export async function appendBatch(
  tx: SqlExecutor,
  t: StoreTables,
  requests: readonly AppendRequest[],
  hooks: readonly AppendHook[],
  options: { known?: KnownVersions; optimistic?: boolean; fold?: boolean } = {},
): Promise<AppendOutcome[]> {
  const optimistic =
    options.optimistic === false ? undefined : await appendOptimistically(tx, t, requests, hooks, options.known, options.fold !== false);
  return optimistic ?? (await appendChecked(tx, t, requests, hooks));
}

/** What an optimistic write needs: the accepted requests and the stream bases SQL must check. */
interface OptimisticPlan {
  accepted: AcceptedAppend[];
  /** The bases neither `known` nor the events' unique index vouches for (none: no SQL check). */
  unchecked: StreamBase[];
}

/**
 * The common batch: every request names the version it expects, and requests of one stream
 * follow each other. Then nothing needs reading first: one statement can check that every
 * stream is at the version its first request expects, that no value it claims is held and no
 * idempotency key it carries was used, and write everything (unique values included), or write
 * nothing when one of these is false. Undefined: not such a batch (or `known` already shows a
 * conflict, or two requests touch one unique value or key, which only appendChecked orders),
 * so it goes through appendChecked.
 *
 * A stream ahead of its base already has the version the batch writes next, so the events'
 * unique index refuses the write; where that refusal is handled (`indexRefuses`: a statement
 * of its own, not a transaction it would abort), only a stream behind its base needs the SQL
 * check. A new stream (base 0) cannot be behind, nor can one at its known version: versions
 * only grow.
 */
function planOptimistic(
  requests: readonly AppendRequest[],
  known: KnownVersions | undefined,
  indexRefuses: boolean,
): OptimisticPlan | undefined {
  const bases = new Map<string, StreamBase>();
  const versions = new Map<string, number>();
  const accepted: AcceptedAppend[] = [];
  const claimed = new Set<string>();
  const released = new Set<string>();
  const keys = new Set<string>();
  for (const [index, request] of requests.entries()) {
    const { expectedVersion, streamType: st, streamId: si } = request;
    if (expectedVersion === 'any') return undefined;
    // A value claimed twice, or claimed and released, needs the requests' order (appendChecked).
    // Releases alone commute: only the holder's removes the value. Every CreateUser of a
    // batch releases the initial state's "" (uniqueChanges), so they must not split it.
    for (const u of request.unique?.claim ?? []) {
      const k = uniqueKey(st, u.field, u.value);
      if (claimed.has(k) || released.has(k)) return undefined;
      claimed.add(k);
    }
    for (const u of request.unique?.release ?? []) {
      const k = uniqueKey(st, u.field, u.value);
      if (claimed.has(k)) return undefined;
      released.add(k);
    }
    if (request.idempotencyKey !== undefined) {
      if (keys.has(request.idempotencyKey)) return undefined;
      keys.add(request.idempotencyKey);
    }
    const expected = expectedVersion === 'no_stream' ? 0 : expectedVersion;
    const key = streamKey(st, si);
    const at = versions.get(key);
    if (at === undefined) bases.set(key, { st, si, b: expected });
    else if (at !== expected) return undefined;
    versions.set(key, expected + request.events.length);
    accepted.push({ index, request, firstVersion: expected + 1 });
  }
  const unchecked: StreamBase[] = [];
  for (const base of bases.values()) {
    const version = known?.get(base.st, base.si);
    // A known version that differs: a conflict, or on PostgreSQL a version this process has
    // not seen yet; appendChecked reads the stream and decides.
    if (version !== undefined && version !== base.b) return undefined;
    if (version === undefined && !(indexRefuses && base.b === 0)) unchecked.push(base);
  }
  return { accepted, unchecked };
}

/** The optimistic write inside `tx` (which holds the append lock); undefined when a stream was not at its base. */
async function appendOptimistically(
  tx: SqlExecutor,
  t: StoreTables,
  requests: readonly AppendRequest[],
  hooks: readonly AppendHook[],
  known: KnownVersions | undefined,
  fold: boolean,
): Promise<AppendOutcome[] | undefined> {
  const plan = planOptimistic(requests, known, false);
  if (plan === undefined) return undefined;
  const options = { guard: plan.unchecked.length > 0 ? plan.unchecked : undefined, optimistic: true };
  // The hooks' writes in the same statement when they fold (AppendFold), else the hooks after it.
  const folds = fold ? foldsOf(hooks) : undefined;
  const folded = folds === undefined || folds.length === 0 ? NOT_FOLDED : await writeAccepted(tx, t, plan.accepted, { ...options, folds });
  const stored = folded === NOT_FOLDED ? await writeAccepted(tx, t, plan.accepted, options) : folded;
  if (stored === undefined || stored === NOT_FOLDED) return undefined;
  const outcomes: AppendOutcome[] = [];
  await finish(tx, plan.accepted, stored, folded === NOT_FOLDED ? hooks : [], outcomes);
  return outcomes;
}

/** The hooks' folds, or undefined when one of them has none (then the hooks run themselves). */
export function foldsOf(hooks: readonly AppendHook[]): AppendFold[] | undefined {
  const folds = hooks.map((h) => h.fold);
  return folds.every((f): f is AppendFold => f !== undefined) ? folds : undefined;
}

/**
 * The optimistic write as ONE statement outside any transaction (no append hooks): it takes
 * the append lock itself (`lockKey`, PostgreSQL), before it writes anything, so positions and
 * transaction ids still follow commit order; one round trip and one commit per batch. Its
 * snapshot may predate the lock, so the check may pass on a stream that changed meanwhile:
 * then the events' unique (stream, version) index refuses the statement, and the caller runs
 * the batch again in a transaction (as for undefined: a stream not at its base, nothing written).
 * `indexRefuses`: that index refuses a new stream's first event when the stream exists (false
 * unless it spans the whole table: versionIndexScope). `epoch`: the `known` versions hold only
 * while the log epoch is the one they were learnt under (logEpoch.ts); the statement checks it.
 * A claimed value that is held makes the uniques' primary key refuse the statement the same
 * way (isUniqueRefusal): nothing is looked up first, and nothing is written.
 * Append hooks' writes go into the statement too (`folds`); NOT_FOLDED when one cannot take
 * this batch (nothing was written: the caller runs it in a transaction with the hooks). So does
 * the store's NOTIFY (`notify`), sent only if the statement wrote the batch.
 */
export async function appendAtOnce(
  db: SqlExecutor,
  t: StoreTables,
  requests: readonly AppendRequest[],
  lockKey: string | undefined,
  known: KnownVersions | undefined,
  indexRefuses = true,
  folds: readonly AppendFold[] = [],
  epoch?: EpochCheck,
  notify?: StoreNotify,
): Promise<AppendOutcome[] | undefined | typeof NOT_FOLDED> {
  const plan = planOptimistic(requests, known, indexRefuses);
  if (plan === undefined) return undefined;
  const stored = await writeAccepted(db, t, plan.accepted, {
    guard: plan.unchecked.length > 0 ? plan.unchecked : undefined,
    lockKey,
    optimistic: true,
    // Outside a transaction a refused claim fails only this statement (isUniqueRefusal), and so
    // may a folded insert's row: then the caller writes the batch in a transaction.
    claimsByKey: true,
    alone: true,
    folds,
    epoch,
    notify,
  });
  if (stored === undefined || stored === NOT_FOLDED) return stored;
  const outcomes: AppendOutcome[] = [];
  for (const { index } of plan.accepted) outcomes[index] = { result: { events: stored.get(index) ?? [] } };
  return outcomes;
}

/** The general batch: reads versions, unique holders and keys, and decides request by request. */
async function appendChecked(
  tx: SqlExecutor,
  t: StoreTables,
  requests: readonly AppendRequest[],
  hooks: readonly AppendHook[],
): Promise<AppendOutcome[]> {
  const current = await readVersions(tx, t, requests);
  const holders = await readUniqueHolders(tx, t, requests);
  const usedKeys = await readIdempotencyKeys(tx, t, requests);

  const outcomes: AppendOutcome[] = [];
  const accepted: AcceptedAppend[] = [];
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
    const stored = (await writeAccepted(tx, t, accepted)) as Map<number, StoredEvent[]>;
    if (touchedUniques.size > 0) await writeUniques(tx, t, [...touchedUniques.values()]);
    await finish(tx, accepted, stored, hooks, outcomes);
  }
  return outcomes;
}

/** Runs the append hooks over the written events (in position order) and records the results. */
async function finish(
  tx: SqlExecutor,
  accepted: readonly AcceptedAppend[],
  stored: ReadonlyMap<number, StoredEvent[]>,
  hooks: readonly AppendHook[],
  outcomes: AppendOutcome[],
): Promise<void> {
  const all = accepted.flatMap(({ index }) => stored.get(index) ?? []).sort((a, b) => a.position - b.position);
  for (const hook of hooks) await hook(tx, all);
  for (const { index } of accepted) outcomes[index] = { result: { events: stored.get(index) ?? [] } };
}

function versionProblem(request: AppendRequest, version: number): TuskError | undefined {
  const { expectedVersion: expected, streamType, streamId } = request;
  if (expected === 'any' || expected === version || (expected === 'no_stream' && version === 0)) return undefined;
  if (expected === 'no_stream') {
    return new ConflictError('STREAM_EXISTS', `${streamType} '${streamId}' already exists`, { expected: 0, actual: version });
  }
  return new ConflictError('VERSION_CONFLICT', `expected version ${expected} but ${streamType} '${streamId}' is at ${version}`, {
    expected,
    actual: version,
  });
}

function uniqueProblem(request: AppendRequest, holders: ReadonlyMap<string, string>): TuskError | undefined {
  for (const c of request.unique?.claim ?? []) {
    const holder = holders.get(uniqueKey(request.streamType, c.field, c.value));
    if (holder !== undefined && holder !== request.streamId) {
      return new ConflictError('UNIQUE_VIOLATION', `another ${request.streamType} already has ${c.field} '${c.value}'`, {
        field: c.field,
        value: c.value,
      });
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
    `SELECT k.t AS stream_type, k.i AS stream_id, v.version
       FROM unnest($1::text[], $2::text[]) AS k(t, i)
       CROSS JOIN LATERAL (SELECT e.version FROM ${t.events} e WHERE e.stream_type = k.t AND e.stream_id = k.i ORDER BY e.version DESC LIMIT 1) AS v`,
    [requests.map((r) => r.streamType), requests.map((r) => r.streamId)],
  );
  return new Map(rows.map((r) => [streamKey(r.stream_type, r.stream_id), r.version]));
}

async function readUniqueHolders(tx: SqlExecutor, t: StoreTables, requests: readonly AppendRequest[]): Promise<Map<string, string>> {
  const claims = requests.flatMap((r) =>
    [...(r.unique?.claim ?? []), ...(r.unique?.release ?? [])].map((c) => [r.streamType, c.field, c.value] as const),
  );
  if (claims.length === 0) return new Map();
  const { rows } = await tx.query<{ stream_type: string; field: string; value: string; stream_id: string }>(
    `SELECT * FROM (SELECT k.t AS stream_type, k.f AS field, k.v AS value, ${uniqueLookup(t.uniques, 'stream_id', 'k.t', 'k.f', 'k.v')} AS stream_id
       FROM unnest($1::text[], $2::text[], $3::text[]) AS k(t, f, v)) AS h WHERE h.stream_id IS NOT NULL`,
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

/** Applies the net change of unique values: every touched value is removed, then the new holders inserted. */
async function writeUniques(
  tx: SqlExecutor,
  t: StoreTables,
  touched: readonly { type: string; field: string; value: string; owner: string | null }[],
): Promise<void> {
  await tx.query(deleteUniques(t.uniques, 'unnest($1::text[], $2::text[], $3::text[]) AS k(t, f, v)', 'k.t', 'k.f', 'k.v'), [
    touched.map((u) => u.type),
    touched.map((u) => u.field),
    touched.map((u) => u.value),
  ]);
  const held = touched.filter((u) => u.owner !== null);
  if (held.length === 0) return;
  await tx.query(
    `INSERT INTO ${t.uniques} (stream_type, field, value, digest, stream_id)
     SELECT k.t, k.f, k.v, ${UNIQUE_DIGEST('k.v')}, k.o FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS k(t, f, v, o)`,
    [held.map((u) => u.type), held.map((u) => u.field), held.map((u) => u.value), held.map((u) => u.owner)],
  );
}
