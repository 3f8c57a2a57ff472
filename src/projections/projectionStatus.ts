/** `GET /projections`: each projection with its mode, checkpoint, lag, partitions and rebuild state. */
import { partitionStatus } from '../consumers/partitionStatus.js';
import type { ProjectionSystem } from './ProjectionSystem.js';

/** The status of every projection of `system`. */
export async function projectionStatus(system: ProjectionSystem): Promise<Record<string, unknown>[]> {
  const store = system.runtime.store;
  const head = await store.headPosition();
  return Promise.all(
    system.projections.map(async (p) => {
      const async = p.mode === 'async';
      const partitions = async ? await partitionStatus(store, p.checkpoint, p.partitions, head) : undefined;
      // the projection has applied the log up to its slowest partition
      const checkpoint =
        partitions !== undefined ? Math.min(...partitions.map((x) => x.checkpoint)) : await store.loadCheckpoint(p.checkpoint);
      const worker = system.workers.get(p.name);
      const rebuild = system.rebuildState(p.name);
      const progress = rebuild.running !== undefined ? rebuild.progress : undefined;
      return {
        name: p.name,
        table: p.tables.main.name,
        joins: p.tables.joins.map((j) => ({ name: j.name, table: j.table.name })),
        mode: p.mode,
        enabled: p.enabled,
        checkpoint,
        // an inline projection is current by construction; its checkpoint is its last own event
        lag: p.mode === 'inline' && p.enabled ? 0 : Math.max(0, head - checkpoint),
        ...(worker === undefined ? {} : { worker: worker.state, ...(worker.error === undefined ? {} : { error: worker.error }) }),
        ...(partitions === undefined ? {} : { partitions }),
        rebuild:
          rebuild.running !== undefined
            ? {
                status: 'running',
                done: progress?.done ?? 0,
                total: progress?.total ?? 0,
                events_per_second: Math.round(progress?.eventsPerSecond ?? 0),
              }
            : rebuild.error !== undefined
              ? { status: 'failed', error: rebuild.error }
              : rebuild.last !== undefined
                ? {
                    status: 'completed',
                    events: rebuild.last.events,
                    position: rebuild.last.position,
                    duration_ms: Math.round(rebuild.last.durationMs),
                  }
                : { status: 'none' },
      };
    }),
  );
}
