/**
 * Rebuild (SPEC §5): replay the whole log into fresh tables, then swap them in atomically.
 * Readers keep using the old tables until the swap commits. The replay runs in batches (one
 * transaction each, writes merged into multi-row statements; the database writes a batch by
 * itself when it can, see replayInDatabase.ts) while commands keep appending;
 * the swap transaction then takes the store's append lock, applies what was appended since,
 * and renames the tables and sets the checkpoints of every partition together, so no event is
 * lost or applied twice — whatever the projection's mode and partition count, and while
 * inline hooks or async workers run in any process.
 */
import { randomUUID } from 'node:crypto';
import { TuskError } from '../../errors.js';
import { identityUpcaster, type Upcaster } from '../../engine/upcaster.js';
import { Lease } from '../../consumers/Lease.js';
import { fencePartitions, restartPartitions } from '../../consumers/restartPartitions.js';
import { clearDeadLetters } from '../../consumers/deadLetters/sql/releaseParked.js';
import type { EventStore, StoredEvent } from '../../store/EventStore.js';
import { applyEvents, planStatements, runStatements } from '../apply/applyEvents.js';
import { applyInTransaction } from '../apply/applyInTransaction.js';
import type { TableRef } from '../apply/writeSql.js';
import type { CompiledProjection } from '../compile/compileProjection.js';
import { countEvents } from '../sql/countEvents.js';
import { refreshStatistics } from '../sql/refreshStatistics.js';
import { dropFreshTables, freshName, swapTables } from '../sql/swapTables.js';
import { freshTables } from '../sql/tableRefs.js';
import { createTableSql } from '../tables/tableDdl.js';
import { RebuildClock, type RebuildProgress } from './RebuildProgress.js';
import type { Replay } from './Replay.js';
import { replayInDatabase } from './replayInDatabase.js';

/** How a rebuild runs. */
export interface RebuildOptions {
  /** Brings stored events to their newest schema version first (default: none). */
  upcaster?: Upcaster;
  /** Events read and written per transaction (default 5000). */
  batchSize?: number;
  /** Called after every batch and once at the end. */
  onProgress?: (progress: RebuildProgress) => void;
  /** Lease owner id of this process (default: a random one). */
  owner?: string;
  /** False: every batch goes through this process, none is written by the database itself (tests compare the two). */
  inDatabase?: boolean;
}

/** What a finished rebuild did. */
export interface RebuildResult {
  projection: string;
  /** Events replayed. */
  events: number;
  /** The checkpoint the swapped-in tables are at (the head of the log at the swap). */
  position: number;
  durationMs: number;
  /** Of `events`, those the database wrote by itself (see replayInDatabase). */
  inDatabase: number;
}

const LEASE_TTL_MS = 30_000;

/**
 * Rebuilds `projection` on `store`: replays every event of its types into fresh tables and
 * swaps them in. Throws REBUILD_RUNNING when another process is rebuilding it, or the error of
 * an event that cannot be applied (the live tables are then left as they were).
 */
export async function rebuildProjection(
  store: EventStore,
  projection: CompiledProjection,
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  return (await startRebuild(store, projection, options)).done;
}

/**
 * Starts a rebuild: resolves once this process holds the projection's rebuild lease (or
 * rejects with REBUILD_RUNNING), with `done` resolving when the rebuild is over.
 */
export async function startRebuild(
  store: EventStore,
  projection: CompiledProjection,
  options: RebuildOptions = {},
): Promise<{ done: Promise<RebuildResult> }> {
  const lease = new Lease(store, `projection-rebuild:${projection.name}`, options.owner ?? randomUUID(), LEASE_TTL_MS);
  if (!(await lease.acquire()))
    throw new TuskError('REBUILD_RUNNING', `projection ${projection.name} is being rebuilt by another process`, {
      details: { projection: projection.name },
    });
  const schema = store.tables.schema;
  const run = async (): Promise<RebuildResult> => {
    try {
      for (let attempt = 1; ; attempt++) {
        await store.transaction(async (tx) => {
          await dropFreshTables(tx, schema, projection.targets);
          for (const spec of projection.targets)
            for (const sql of createTableSql(spec, schema, freshName(spec.name), { ifNotExists: false })) await tx.query(sql);
        });
        const result = await replayAndSwap(store, projection, freshTables(schema, projection), options);
        if (result !== REMOVED_MEANWHILE) return result;
        if (attempt >= MAX_REPLAYS)
          throw new Error(`projection ${projection.name}: events were removed during each of ${MAX_REPLAYS} replays; rebuild again later`);
      }
    } catch (err) {
      await dropFreshTables(store, schema, projection.targets).catch(() => undefined);
      throw err;
    } finally {
      await lease.release();
    }
  };
  return { done: run() };
}

/**
 * A removal of events (hard delete, truncation) committed during the replay: the fresh tables
 * may hold rows of a stream whose rows were deleted from the live ones, so the replay starts over.
 */
const REMOVED_MEANWHILE = Symbol('removed meanwhile');
const MAX_REPLAYS = 5;

async function replayAndSwap(
  store: EventStore,
  projection: CompiledProjection,
  fresh: readonly TableRef[],
  options: RebuildOptions,
): Promise<RebuildResult | typeof REMOVED_MEANWHILE> {
  const mark = await store.removalMark();
  const upcast = options.upcaster ?? identityUpcaster;
  const limit = options.batchSize ?? 5000;
  const types = projection.types;
  const logHead = await store.headPosition();
  await refreshStatistics(store, store.tables, logHead);
  const clock = new RebuildClock(projection.name, await countEvents(store, store.tables, types, logHead), options.onProgress);

  const replay: Replay = { store, projection, fresh, limit, upcast, clock };
  let position = 0;
  const written = { inDatabase: 0 };
  // sealed personal fields cannot be read by SQL: such projections replay through the store
  // A conjoined store's rows take the tenant of their transaction: written in this process, tenant by tenant (applyEvents).
  const inDatabase = options.inDatabase !== false && !projection.tenant && !types.some((t) => store.storesSealed?.(t) === true);
  // Replays up to the head, then up to the new head while appends added more than a batch
  // meanwhile, so the swap (which blocks appends) has little left to apply.
  for (let upTo = await store.headPosition(); ; ) {
    position = await replayUpTo(replay, position, upTo, inDatabase, written);
    const head = await store.headPosition();
    if (head - Math.max(position, upTo) <= limit) break;
    upTo = head;
  }

  const swapped = await applyInTransaction(store, async (tx, merge) => {
    await store.lockAppends(tx);
    const layout = await fencePartitions(tx, store, projection.checkpoint, projection.partitions);
    // Removals hold the append lock too: none is in flight now, and none can start before the swap commits.
    if ((await store.removalMark(tx)) !== mark) return REMOVED_MEANWHILE;
    let at = position;
    let caughtUp = 0;
    for (;;) {
      const events = await store.readLocked(tx, { after: at, limit, types });
      if (events.length > 0) {
        await applyEvents(tx, projection, fresh, events.map(upcast), merge);
        at = events[events.length - 1]!.position;
        caughtUp += events.length;
      }
      if (events.length < limit) break;
    }
    const head = Math.max(at, await store.lockedHead(tx));
    // Every event was applied again, parked and held ones included: their dead letters go.
    await clearDeadLetters(tx, store.tables, projection.checkpoint);
    await swapTables(tx, store.tables.schema, projection.targets);
    // every partition starts again at the head (also when the partition count changed)
    await restartPartitions(tx, store, projection.checkpoint, layout, projection.partitions, head);
    return { head, caughtUp };
  });
  if (swapped === REMOVED_MEANWHILE) return swapped;
  clock.advance(swapped.caughtUp, swapped.head);
  const done = clock.finish();
  return {
    projection: projection.name,
    events: done.done,
    position: swapped.head,
    durationMs: done.elapsedMs,
    inDatabase: written.inDatabase,
  };
}

/**
 * Writes the events after `from` into the fresh tables, until it has passed `upTo` or read
 * what is safely readable: batches in the database (when `inDatabase`) while they qualify, the
 * others in this process (more of them before the database is tried again, each time it
 * cannot take one). Resolves to the position of the last event written.
 */
async function replayUpTo(
  replay: Replay,
  from: number,
  upTo: number,
  inDatabase: boolean,
  written: { inDatabase: number },
): Promise<number> {
  let position = from;
  let inProcess = 1;
  for (;;) {
    const fast = inDatabase ? await replayInDatabase(replay, position, upTo) : { position, events: 0, done: false };
    written.inDatabase += fast.events;
    if (fast.done) return fast.position;
    inProcess = !inDatabase ? Infinity : fast.events > 0 ? 1 : Math.min(inProcess * 2, 64);
    const slow = await replayInProcess(replay, fast.position, upTo, inProcess);
    position = slow.position;
    if (slow.done) return position;
  }
}

/**
 * Writes at most `maxBatches` batches after `from` in this process; `done` when it has passed
 * `upTo` or read what is safely readable.
 */
async function replayInProcess(
  replay: Replay,
  from: number,
  upTo: number,
  maxBatches: number,
): Promise<{ position: number; done: boolean }> {
  const { store, projection, fresh, limit, upcast, clock } = replay;
  let position = from;
  let done = false;
  // Three things overlap: reading batch k+1, planning batch k (CPU), writing batch k-1.
  let next: Promise<StoredEvent[]> | undefined = read(store, position, projection.types, limit);
  let writing: Promise<void> = Promise.resolve();
  for (let batches = 1; next !== undefined; batches++) {
    const batch: StoredEvent[] = await next;
    if (batch.length === 0) {
      done = true;
      break;
    }
    position = batch[batch.length - 1]!.position;
    done = batch.length < limit || position >= upTo;
    next = done || batches >= maxBatches ? undefined : read(store, position, projection.types, limit);
    const events = batch.map(upcast);
    const planned = planStatements(projection, fresh, events, 'all');
    await writing;
    writing = applyInTransaction(store, (tx, merge) =>
      merge === 'all' && !projection.tenant
        ? runStatements(tx, projection, planned)
        : applyEvents(tx, projection, fresh, events, merge).then(() => undefined),
    ).then(() => clock.advance(batch.length, batch[batch.length - 1]!.position));
    writing.catch(() => undefined);
  }
  await writing;
  return { position, done };
}

/** Reads a batch; a failure is kept until the batch is awaited (it may be read ahead). */
function read(store: EventStore, after: number, types: readonly string[], limit: number): Promise<StoredEvent[]> {
  const p = store.readAll({ after, limit, types });
  p.catch(() => undefined);
  return p;
}
