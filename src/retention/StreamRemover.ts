/**
 * The two removals of events, over the store interface: truncate-before-version (leaving a
 * closing snapshot, so the stream folds to the same state) and hard delete (tombstone first, so
 * every process sees the aggregate read-only, then every event and the read models' rows in one
 * transaction). Used by the background job (queued removals, retention) and by the CLI.
 */
import { randomUUID } from 'node:crypto';
import type { RetentionConfig } from '../config/schema/aggregates.js';
import type { AppConfig } from '../config/schema/index.js';
import { NotFoundError, isTuskError } from '../errors.js';
import { getDefinition } from '../engine/compileAggregate.js';
import { deleteAggregate } from '../engine/deleteAggregate.js';
import type { EngineContext } from '../engine/EngineContext.js';
import { loadAggregate } from '../engine/loadAggregate.js';
import { CLOSING_SNAPSHOT } from '../engine/systemEvents.js';
import type { CompiledProjection } from '../projections/compile/compileProjection.js';
import { aggregateEventTypes, compileProjections } from '../projections/compile/compileProjection.js';
import { projectionsFedBy, removeStreamRows } from '../projections/run/removeStreamRows.js';
import type { Removal } from '../store/EventStore.js';
import { runAsTenant } from '../tenancy/tenantScope.js';

/** Runs `fn` as `tenant` (a conjoined store's stream), or as it is (null: no tenancy). */
export function asTenant<T>(tenant: string | null, fn: () => Promise<T>): Promise<T> {
  return tenant === null ? fn() : runAsTenant(tenant, fn);
}

/** Streams truncated per sweep batch. */
export const SWEEP_BATCH = 100;

/** Carries out removals for one app. */
export class StreamRemover {
  private readonly projections: readonly CompiledProjection[];
  private readonly emitted: Map<string, Set<string>>;

  constructor(
    private readonly ctx: EngineContext,
    model: AppConfig,
  ) {
    this.projections = compileProjections(model);
    this.emitted = aggregateEventTypes(model);
  }

  /**
   * Removes the events of `id` below `beforeVersion`; the newest of them is replaced by a
   * closing snapshot of the state at its version. Clamped so that the newest event (or a
   * tombstone) stays a real event. Undefined when there was nothing to remove.
   */
  async truncate(type: string, id: string, beforeVersion: number, removalId?: number): Promise<Removal | undefined> {
    const { ctx } = this;
    const definition = getDefinition(ctx.definitions, type);
    const latest = await loadAggregate(ctx, definition, id);
    if (latest.version === 0) throw new NotFoundError('STREAM_NOT_FOUND', `${type} '${id}' does not exist`);
    // The tombstone must stay the stream's last event.
    const cut = Math.min(beforeVersion - 1, latest.deleted === true ? latest.version - 1 : latest.version);
    const [first] = await ctx.store.readStream(type, id, { limit: 1 });
    if (cut < 1 || first === undefined || first.version >= cut) return this.nothing(removalId);
    const at = await loadAggregate(ctx, definition, id, { version: cut });
    return ctx.store.removeEvents({
      kind: 'truncate',
      streamType: type,
      streamId: id,
      beforeVersion: cut + 1,
      closing: { id: randomUUID(), type: CLOSING_SNAPSHOT, data: { state: at.state }, metadata: { truncated_before: cut + 1 } },
      ...(removalId !== undefined ? { removalId } : {}),
    });
  }

  /** Removes every event of `id` and its read-model rows (projections with `on_stream_deleted`). */
  async hardDelete(type: string, id: string, removalId?: number): Promise<Removal> {
    const { ctx } = this;
    const definition = getDefinition(ctx.definitions, type);
    if ((await ctx.store.streamVersion(type, id)) === 0) throw new NotFoundError('STREAM_NOT_FOUND', `${type} '${id}' does not exist`);
    try {
      await deleteAggregate(ctx, definition, id, { removal: 'hard delete' });
    } catch (err) {
      if (!(isTuskError(err) && err.code === 'STREAM_DELETED')) throw err;
    }
    const projections = projectionsFedBy(this.projections, this.emitted.get(type));
    const removal = await ctx.store.removeEvents(
      { kind: 'delete', streamType: type, streamId: id, ...(removalId !== undefined ? { removalId } : {}) },
      (tx) => removeStreamRows(tx, ctx.store, projections, type, id),
    );
    ctx.stateCache?.delete?.(type, id, definition.configHash);
    return removal;
  }

  /** One batch of a retention sweep: truncates up to `batch` streams of `type` past the limits of `config` at time `now`. */
  async sweepBatch(type: string, config: RetentionConfig, now: number, batch: number): Promise<{ found: number; truncated: number }> {
    const limits = {
      ...(config.max_count !== undefined ? { maxCount: config.max_count } : {}),
      ...(config.max_age !== undefined ? { olderThan: new Date(now - config.max_age) } : {}),
    };
    const candidates = await this.ctx.store.retentionCandidates(type, limits, batch);
    let truncated = 0;
    for (const c of candidates)
      if ((await asTenant(c.tenant, () => this.truncate(type, c.streamId, c.beforeVersion))) !== undefined) truncated++;
    return { found: candidates.length, truncated };
  }

  /** A whole sweep of `type`: batches until no stream is past the limits; resolves to the streams truncated. */
  async sweep(type: string, config: RetentionConfig, now: number, onProgress?: (truncated: number) => void): Promise<number> {
    let total = 0;
    for (;;) {
      const { found, truncated } = await this.sweepBatch(type, config, now, SWEEP_BATCH);
      total += truncated;
      onProgress?.(total);
      if (found < SWEEP_BATCH || truncated === 0) return total;
    }
  }

  /** A queued removal that found nothing to do is done all the same. */
  private async nothing(removalId: number | undefined): Promise<undefined> {
    if (removalId === undefined) return undefined;
    const queued = await this.ctx.store.removal(removalId);
    if (queued !== undefined)
      await this.ctx.store.removeEvents({
        kind: queued.kind,
        streamType: queued.streamType,
        streamId: queued.streamId,
        beforeVersion: 1,
        removalId,
      });
    return undefined;
  }
}
