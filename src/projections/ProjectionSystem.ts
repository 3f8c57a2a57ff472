/**
 * The projections of one running app: the compiled projections, their workers and rebuilds,
 * and the reads the HTTP routes make. One per runtime (found with projectionSystemOf).
 */
import { awaitConsumerPosition } from '../consumers/consumerPosition.js';
import { isTuskError, NotFoundError, TuskError } from '../errors.js';
import type { Runtime } from '../runtime/Runtime.js';
import type { CompiledProjection } from './compile/compileProjection.js';
import type { ProjectionMetrics } from './ProjectionMetrics.js';
import type { ReadAfter } from './query/parseReadAfter.js';
import { queryRow, queryRows, type RowQuery } from './query/queryRows.js';
import { startRebuild, type RebuildResult } from './rebuild/rebuildProjection.js';
import { runAsSystem } from '../tenancy/tenantScope.js';
import type { RebuildProgress } from './rebuild/RebuildProgress.js';
import type { LogConsumer } from '../consumers/LogConsumer.js';
import type { StoredEvent } from '../store/EventStore.js';
import { scrubSubject } from './scrubSubject.js';

/** What is known about a projection's rebuilds in this process. */
export interface RebuildState {
  running?: Promise<RebuildResult> | undefined;
  progress?: RebuildProgress | undefined;
  last?: RebuildResult | undefined;
  error?: string | undefined;
}

const systems = new WeakMap<Runtime, ProjectionSystem>();

/** The projection system of `runtime`, if the projections feature is installed. */
export function projectionSystemOf(runtime: Runtime): ProjectionSystem | undefined {
  return systems.get(runtime);
}

/** The projections of one runtime. */
export class ProjectionSystem {
  private readonly byName: ReadonlyMap<string, CompiledProjection>;
  readonly workers = new Map<string, LogConsumer>();
  private readonly rebuilds = new Map<string, RebuildState>();

  constructor(
    readonly runtime: Runtime,
    readonly projections: readonly CompiledProjection[],
    readonly metrics: ProjectionMetrics,
    /** Lease owner id of this process. */
    readonly owner: string,
  ) {
    this.byName = new Map(projections.map((p) => [p.name, p]));
    systems.set(runtime, this);
  }

  /** The projection `name`; 404 UNKNOWN_PROJECTION when it is not declared. */
  get(name: string): CompiledProjection {
    const p = this.byName.get(name);
    if (p === undefined)
      throw new NotFoundError(
        'UNKNOWN_PROJECTION',
        `unknown projection ${JSON.stringify(name)} (declared: ${[...this.byName.keys()].join(', ') || 'none'})`,
        { projection: name },
      );
    return p;
  }

  /**
   * Waits until projection `name` has applied the log up to `after.minPosition` (every
   * partition, in whichever process); 504 PROJECTION_BEHIND past `after.waitMs`. An enabled
   * inline projection is current by construction: its rows commit with the events.
   */
  async readAfter(name: string, after: ReadAfter | undefined): Promise<void> {
    const p = this.get(name);
    if (after === undefined || (p.mode === 'inline' && p.enabled)) return;
    const checkpoint = await awaitConsumerPosition(this.runtime.store, p.checkpoint, p.partitions, after.minPosition, after.waitMs);
    if (checkpoint >= after.minPosition) return;
    throw new TuskError(
      'PROJECTION_BEHIND',
      `projection ${name} is at position ${checkpoint}, not yet at ${after.minPosition} after ${after.waitMs} ms`,
      {
        details: { projection: name, checkpoint, min_position: after.minPosition },
      },
    );
  }

  /** A page of rows of projection `name`. */
  rows(name: string, query: RowQuery): Promise<Record<string, unknown>[]> {
    return queryRows(this.runtime.store, this.runtime.store.tables.schema, this.get(name), query);
  }

  /** One row of projection `name` by key. */
  row(name: string, key: string): Promise<Record<string, unknown>> {
    return queryRow(this.runtime.store, this.runtime.store.tables.schema, this.get(name), key);
  }

  /**
   * Starts a rebuild of `name` (or joins the one this process is running); resolves once it
   * runs (REBUILD_RUNNING when another process rebuilds it), with `done` for its outcome.
   */
  async startRebuild(name: string): Promise<{ done: Promise<RebuildResult> }> {
    const projection = this.get(name);
    const state = this.rebuildState(name);
    if (state.running !== undefined) return { done: state.running };
    const { runtime, metrics } = this;
    // A rebuild replays every tenant's events (and swaps every tenant's rows): as the system,
    // also when a tenant's request started it.
    const pending = runAsSystem(() =>
      startRebuild(runtime.store, projection, {
        upcaster: runtime.upcaster,
        owner: this.owner,
        onProgress: (p) => {
          state.progress = p;
          metrics.rebuildProgress.set({ projection: name }, p.total === 0 ? 1 : p.done / p.total);
        },
      }),
    );
    // joined by concurrent callers before the lease is even taken
    state.running = pending.then(({ done }) => done);
    const running = state.running.then(
      (result) => {
        Object.assign(state, { running: undefined, last: result, error: undefined });
        metrics.rebuilds.inc({ projection: name, outcome: 'completed' });
        metrics.events.inc({ projection: name, path: 'rebuild' }, result.events);
        runtime.logger.info({ projection: name, events: result.events, ms: Math.round(result.durationMs) }, 'projection rebuilt');
        return result;
      },
      (err: unknown) => {
        state.running = undefined;
        // another process rebuilding it is not a failure of this one
        if (isTuskError(err) && err.code === 'REBUILD_RUNNING') throw err;
        state.error = err instanceof Error ? err.message : String(err);
        metrics.rebuilds.inc({ projection: name, outcome: 'failed' });
        runtime.logger.error({ err, projection: name }, 'projection rebuild failed');
        throw err;
      },
    );
    state.running = running;
    running.catch(() => undefined);
    metrics.rebuildProgress.set({ projection: name }, 0);
    await pending;
    return { done: running };
  }

  /** Rebuilds `name` and resolves when it is done. */
  async rebuild(name: string): Promise<RebuildResult> {
    return (await this.startRebuild(name)).done;
  }

  /** This process's rebuild state of `name`. */
  rebuildState(name: string): RebuildState {
    let state = this.rebuilds.get(name);
    if (state === undefined) this.rebuilds.set(name, (state = {}));
    return state;
  }

  /** Recomputes the `personal = true` columns from a forgotten subject's events (now erased). */
  scrub(events: readonly StoredEvent[]): Promise<number> {
    return scrubSubject(this.runtime.store, this.projections, events, this.runtime.upcaster);
  }

  /** Waits for the rebuilds in flight (on shutdown). */
  async settle(): Promise<void> {
    await Promise.all([...this.rebuilds.values()].map(async (s) => s.running?.catch(() => undefined)));
  }
}
