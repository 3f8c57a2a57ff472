/** Writes the accepted requests of an append batch in one statement (see appendBatch). */
import type { AppendFold, AppendRequest, FoldContext, SqlExecutor, StoreTables, StoredEvent } from '../EventStore.js';
import { batchFrame, batchWriteSql, type BatchParts } from './batchWriteSql.js';
import { checkpointOfBatch } from './checkpoints.js';
import { formatIso } from '../../util/isoTimestamp.js';
import { uniqueDigest } from './uniqueSql.js';

/** A request that passed its checks, and the version its first event gets. */
export interface AcceptedAppend {
  index: number;
  request: AppendRequest;
  firstVersion: number;
}

/** A stream and the version it must be at for an optimistic batch to be written. */
export interface StreamBase {
  st: string;
  si: string;
  b: number;
}

/** The key of a stream in the batch's maps. */
export const streamKey = (type: string, id: string): string => `${type}\u0000${id}`;

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

/** How writeAccepted writes a batch. */
export interface WriteOptions {
  /** Write nothing unless each of these streams is at its base version. */
  guard?: readonly StreamBase[] | undefined;
  /** Take this append lock in the statement itself (see appendAtOnce). */
  lockKey?: string | undefined;
  /**
   * An optimistic batch: the statement also writes the requests' unique claims and releases,
   * and writes nothing if a claimed value has a holder or an idempotency key was used. Without
   * it the caller has checked both and writes the uniques itself (appendChecked).
   */
  optimistic?: boolean;
  /** Optimistic: leave the claims' check to the uniques' primary key (BatchParts.claimsByKey). */
  claimsByKey?: boolean;
  /** The statement runs outside any transaction (appendAtOnce): its folds may fail it on a refused row (FoldContext.alone). */
  alone?: boolean;
  /** Append hooks whose writes go into the statement (AppendFold); if one cannot, nothing is written. */
  folds?: readonly AppendFold[] | undefined;
  /** Write nothing unless the log epoch is `expected` once the lock is held (needs `lockKey`; see logEpoch.ts). */
  epoch?: EpochCheck | undefined;
  /** The store's NOTIFY, sent with the statement's commit when it wrote anything (AppendSignal.folded). */
  notify?: StoreNotify | undefined;
}

/** The log epoch a one-statement batch expects, and (set by writeAccepted) the one it read. */
export interface EpochCheck {
  /** The epoch sequence (logEpochSequence). */
  sequence: string;
  /** null when the writer remembers no version (nothing depends on the epoch): the batch writes and learns it. */
  expected: string | null;
  seen?: string;
}

/** A NOTIFY on `channel` with `payload`. */
export interface StoreNotify {
  channel: string;
  payload: string;
}

/** writeAccepted's answer when a fold could not take the batch: it must run in a transaction. */
export const NOT_FOLDED = 'not folded';

/** A unique value a request claims or releases, as the batch statement reads it. */
interface UniqueParam {
  st: string;
  f: string;
  v: string;
  si: string;
  /** A claim's digest (uniqueDigest). */
  dg?: string;
}

/**
 * One statement (batchWriteSql) writes the events, the idempotency records and the snapshots
 * (and, optimistic, the unique values) of every accepted request, so a batch costs one round
 * trip for its writes whatever its size. With a guard, the statement first checks the
 * batch's assumptions and writes nothing (resolving to undefined) when one does not hold.
 */
export async function writeAccepted(
  tx: SqlExecutor,
  t: StoreTables,
  accepted: readonly AcceptedAppend[],
  options: WriteOptions = {},
): Promise<Map<number, StoredEvent[]> | undefined | typeof NOT_FOLDED> {
  const { guard, lockKey, optimistic = false, claimsByKey = false, alone = false, folds, epoch, notify } = options;
  const events: EventParam[] = [];
  // The events as stored, in log order: their positions are filled in once written.
  const stored: StoredEvent[] = [];
  const owners: number[] = [];
  const snapshots = new Map<string, { st: string; si: string; v: number; h: string; s: unknown }>();
  const keys: { k: string; f: string; st: string; si: string; ids: string[] }[] = [];
  const claims: UniqueParam[] = [];
  const releases: UniqueParam[] = [];
  for (const { index, request, firstVersion } of accepted) {
    const { streamType: st, streamId: si } = request;
    request.events.forEach((e, i) => {
      owners.push(index);
      const data = e.data ?? {};
      events.push({
        n: events.length,
        id: e.id,
        st,
        si,
        v: firstVersion + i,
        ty: e.type,
        ev: e.eventVersion,
        d: data,
        m: e.metadata,
        ts: formatIso(e.timestamp),
      });
      stored.push({
        id: e.id,
        type: e.type,
        streamType: st,
        streamId: si,
        version: firstVersion + i,
        position: 0,
        eventVersion: e.eventVersion,
        data,
        metadata: e.metadata,
        timestamp: new Date(e.timestamp.getTime()),
      });
    });
    const key = streamKey(st, si);
    // Several requests of one stream in a batch: the last snapshot wins (one row per stream).
    if (request.snapshot !== undefined)
      snapshots.set(key, { st, si, v: request.snapshot.version, h: request.snapshot.configHash, s: request.snapshot.state });
    if (request.idempotencyKey !== undefined)
      keys.push({ k: request.idempotencyKey, f: request.idempotencyFingerprint ?? '', st, si, ids: request.events.map((e) => e.id) });
    if (optimistic) {
      for (const c of request.unique?.claim ?? []) claims.push({ st, f: c.field, v: c.value, si, dg: uniqueDigest(c.value) });
      for (const r of request.unique?.release ?? []) releases.push({ st, f: r.field, v: r.value, si });
    }
  }
  const parts: BatchParts = {
    keys: keys.length > 0,
    snapshots: snapshots.size > 0,
    guard: guard !== undefined,
    claims: claims.length > 0,
    claimsByKey,
    releases: releases.length > 0,
    keysGuard: optimistic && keys.length > 0,
    lockKey,
    epoch: epoch?.sequence,
    notify: notify !== undefined,
  };
  const params: unknown[] = [JSON.stringify(events)];
  if (parts.keys) params.push(JSON.stringify(keys));
  if (parts.snapshots) params.push(JSON.stringify([...snapshots.values()]));
  if (guard !== undefined) params.push(JSON.stringify(guard));
  if (parts.claims) params.push(JSON.stringify(claims));
  if (parts.releases) params.push(JSON.stringify(releases));
  if (epoch !== undefined) params.push(epoch.expected);
  if (notify !== undefined) params.push(notify.channel, notify.payload);
  if (folds !== undefined && folds.length > 0) {
    const written = foldHooks(t, parts, params, folds, stored, alone);
    if (written === undefined) return NOT_FOLDED;
    parts.folds = written;
  }
  const { rows } = await tx.query<{ written: string | null; epoch?: string }>(batchWriteSql(t, parts), params);
  if (epoch !== undefined) epoch.seen = rows[0]?.epoch;
  // Every request has events, so nothing written means the guard found an assumption false.
  const written = rows[0]?.written;
  if (written === null || written === undefined) return undefined;
  // The positions in the order the events were sent (batchWriteSql says why): no ids to match.
  const positions = JSON.parse(written) as number[];
  if (positions.length !== stored.length) throw new Error(`the batch wrote ${positions.length} events of ${stored.length}`);
  const out = new Map<number, StoredEvent[]>();
  stored.forEach((e, i) => {
    e.position = positions[i]!;
    const list = out.get(owners[i]!);
    if (list === undefined) out.set(owners[i]!, [e]);
    else list.push(e);
  });
  return out;
}

/** The statements of `folds` for `events`, their parameters added to `params`; undefined when one cannot fold. */
function foldHooks(
  t: StoreTables,
  parts: BatchParts,
  params: unknown[],
  folds: readonly AppendFold[],
  events: readonly StoredEvent[],
  alone: boolean,
): string[] | undefined {
  const context = foldContext(t, parts, params, alone);
  const out: string[] = [];
  for (const fold of folds) {
    const statements = fold(events, context);
    if (statements === undefined) return undefined;
    out.push(...statements);
  }
  return out;
}

/** What the folds of a batch of `parts` build with: their values go after `params` (the batch's own). */
export function foldContext(t: StoreTables, parts: BatchParts, params: unknown[], alone: boolean): FoldContext {
  const frame = batchFrame(parts);
  const context: FoldContext = {
    param: (value) => `$${params.push(value)}`,
    rows: frame.rows,
    filter: frame.filter,
    checkpoint: (name, eventId) => checkpointOfBatch(t, context.param(name), context.param(eventId)),
    alone,
    eventRows: (alias) => {
      parts.eventRows = true;
      return `ev AS ${alias}`;
    },
  };
  return context;
}
