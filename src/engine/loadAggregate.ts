/**
 * Loading aggregate state: the newest snapshot taken under the current config hash, then the
 * tail of the stream, every event upcast. Temporal reads stop at a version or a timestamp.
 */
import { InvalidInputError, NotFoundError, TuskError } from '../errors.js';
import type { FoldEvent, StoredEvent } from '../store/EventStore.js';
import type { AggregateDefinition } from './AggregateDefinition.js';
import type { EngineContext } from './EngineContext.js';
import { evolveAll, type AggregateState } from './evolve.js';
import { TOMBSTONE } from './systemEvents.js';
import { identityUpcaster } from './upcaster.js';
import { frozenCopy } from '../util/frozenCopy.js';
import type { CachedState } from './StateCache.js';

/** State of one aggregate at some version (0 = the stream does not exist). */
export interface LoadedAggregate {
  type: string;
  id: string;
  version: number;
  state: AggregateState;
  /**
   * True when the state was not read from the store, so nothing vouches for it yet: it came
   * from the cache (LoadOptions.trustCache) or is the initial state of a stream assumed new
   * (LoadOptions.assumeNew). The append's expected-version check proves it current.
   */
  fromCache?: boolean;
  /** True when the stream (at that point) ends with a `$deleted` tombstone: it is read-only. */
  deleted?: boolean;
  /**
   * The state cache's generation before this state was read: what a state derived from it is
   * cached with (StateCache.set), so that one read before a forget is not cached after it.
   */
  generation?: number;
}

/** Where to stop: the latest state, a version, or a point in time. */
export interface LoadOptions {
  version?: number;
  asOf?: Date;
  /**
   * Take a cached state as current without reading the tail (commands only: their append's
   * expected-version check proves it was current, see handleCommand). Latest state only.
   */
  trustCache?: boolean;
  /**
   * With trustCache, and nothing cached: take the stream as new (version 0, the initial state)
   * without reading it. For `creates` commands, which succeed only on a new stream: if it
   * exists, their `no_stream` append fails and the command is decided again on the stored
   * state, as for a stale cache. Saves a creating command its two reads (snapshot and stream).
   */
  assumeNew?: boolean;
  /** Read from the store only (a cached state turned out stale). */
  skipCache?: boolean;
}

/** Loads the state of `id` (latest, or as of a version/time); version 0 when it has no events. */
export async function loadAggregate(
  ctx: EngineContext,
  definition: AggregateDefinition,
  id: string,
  options: LoadOptions = {},
): Promise<LoadedAggregate> {
  const { store, upcaster } = ctx;
  const type = definition.name;
  if (options.version !== undefined && options.asOf !== undefined) {
    throw new InvalidInputError('use either version or as_of, not both', undefined, 'BAD_REQUEST');
  }
  const latest = options.version === undefined && options.asOf === undefined;
  // Before the first read: a forget from here on makes this load's state uncacheable.
  const generation = ctx.stateCache?.generation?.();
  const cached = latest && options.skipCache !== true ? await ctx.stateCache?.get(type, id, definition.configHash) : undefined;
  if (cached !== undefined && options.trustCache === true) return trustedState(type, id, cached, generation);
  if (latest && options.trustCache === true && options.assumeNew === true) return assumedNew(definition, id, generation);
  let snapshot: { version: number; state: unknown } | undefined =
    cached ?? (await store.loadSnapshot(type, id, definition.configHash, options.version));
  if (snapshot !== undefined && options.asOf !== undefined) {
    // A snapshot is only usable if the event it was taken at is not newer than asOf.
    const [at] = await store.readStream(type, id, { fromVersion: snapshot.version, toVersion: snapshot.version });
    if (at === undefined || at.timestamp.getTime() > options.asOf.getTime()) snapshot = undefined;
  }
  // After a cached state the tail starts at the cached version's own event (see below).
  const fromVersion = snapshot === undefined ? 1 : cached !== undefined ? cached.version : snapshot.version + 1;
  const range = {
    fromVersion,
    ...(options.version !== undefined ? { toVersion: options.version } : {}),
    ...(options.asOf !== undefined ? { untilTime: options.asOf } : {}),
  };
  // Most folds read only event data: then only that is read (see foldReads.ts).
  const dataOnly = definition.foldsDataOnly && upcaster === identityUpcaster;
  let tail: readonly (StoredEvent | FoldEvent)[] = dataOnly
    ? await store.readStream(type, id, { ...range, dataOnly: true })
    : await store.readStream(type, id, range);
  if (cached !== undefined) {
    // The cached version's event is gone: the stream was removed (a hard delete, maybe by
    // another process) or truncated past it. The cache is stale: read the store alone.
    if (tail[0]?.version !== cached.version) {
      ctx.stateCache?.delete?.(type, id, definition.configHash);
      return loadAggregate(ctx, definition, id, { ...options, skipCache: true });
    }
    tail = tail.slice(1);
  }
  // Cached and snapshot states are shared: evolve never mutates its input, so no copy is needed.
  const base: AggregateState = snapshot === undefined ? structuredClone(definition.initialState) : (snapshot.state as AggregateState);
  const state = evolveAll(definition, base, dataOnly ? tail : upcastAll(ctx, tail as readonly StoredEvent[]));
  const last = tail[tail.length - 1];
  const version = last !== undefined ? last.version : (snapshot?.version ?? 0);
  // A tombstone is never snapshotted (deleteAggregate), so only a cached state can hide it.
  const deleted = last !== undefined ? last.type === TOMBSTONE : cached?.deleted === true;
  if (!latest && version === 0) await assertNotTruncated(ctx, type, id);
  if (latest && version > 0 && (cached === undefined || tail.length > 0))
    ctx.stateCache?.set(type, id, definition.configHash, { version, state, ...deletedFlag(deleted) }, generation);
  return { type, id, version, state, ...deletedFlag(deleted), generation };
}

/**
 * loadAggregate's answer for a command (trustCache; assumeNew for a creating one) when it
 * takes no I/O: the state cache is in this process (StateCache.peek) and holds the state, or
 * holds nothing and the command creates. Undefined: ask loadAggregate. `made`: the id was made
 * for this command, so the cache is not even asked (issue 21: a miss per CreateUser).
 */
export function trustedLoad(
  ctx: EngineContext,
  definition: AggregateDefinition,
  id: string,
  assumeNew: boolean,
  made = false,
): LoadedAggregate | undefined {
  const cache = ctx.stateCache;
  if (cache !== undefined && cache.peek === undefined) return undefined;
  const generation = cache?.generation?.();
  // `made`: the id was made for this command (a creating one given none), so no cache holds it.
  const cached = made ? undefined : cache?.peek?.(definition.name, id, definition.configHash);
  if (cached !== undefined) return trustedState(definition.name, id, cached, generation);
  return assumeNew ? assumedNew(definition, id, generation) : undefined;
}

function trustedState(type: string, id: string, cached: CachedState, generation: number | undefined): LoadedAggregate {
  return {
    type,
    id,
    version: cached.version,
    state: cached.state,
    fromCache: true,
    ...deletedFlag(cached.deleted === true),
    generation,
  };
}

/** A stream taken as new without reading it (LoadOptions.assumeNew). */
function assumedNew(definition: AggregateDefinition, id: string, generation: number | undefined): LoadedAggregate {
  return {
    type: definition.name,
    id,
    version: 0,
    state: initialState(definition),
    fromCache: true,
    generation,
  };
}

const initialStates = new WeakMap<AggregateDefinition, AggregateState>();

/**
 * The initial state of `definition`, deeply frozen and shared like a cached state (evolve never
 * changes its input): a creating command takes it without a copy of its own (issue 21).
 */
function initialState(definition: AggregateDefinition): AggregateState {
  let state = initialStates.get(definition);
  if (state === undefined) initialStates.set(definition, (state = frozenCopy(definition.initialState)));
  return state;
}

function deletedFlag(deleted: boolean): { deleted?: true } {
  return deleted ? { deleted: true } : {};
}

/**
 * A temporal read that found nothing: if the stream exists but starts later (a truncation
 * left its closing snapshot there), the point asked for lies before the cut: 410, not 404.
 */
async function assertNotTruncated(ctx: EngineContext, type: string, id: string): Promise<void> {
  const [first] = await ctx.store.readStream(type, id, { limit: 1 });
  if (first !== undefined && first.version > 1) {
    throw new TuskError(
      'HISTORY_TRUNCATED',
      `${type} '${id}' was truncated: its history starts at version ${first.version} (${first.timestamp.toISOString()})`,
      {
        details: { first_version: first.version, first_timestamp: first.timestamp.toISOString() },
      },
    );
  }
}

/** Like loadAggregate, but a stream with no events (at that point) is a 404. */
export async function getAggregate(
  ctx: EngineContext,
  definition: AggregateDefinition,
  id: string,
  options: LoadOptions = {},
): Promise<LoadedAggregate> {
  const loaded = await loadAggregate(ctx, definition, id, options);
  if (loaded.version === 0) throw new NotFoundError('STREAM_NOT_FOUND', `${definition.name} '${id}' does not exist`);
  return loaded;
}

function* upcastAll(ctx: EngineContext, events: readonly StoredEvent[]): Generator<StoredEvent> {
  for (const event of events) yield ctx.upcaster(event);
}
