/**
 * Retention (issue 16 item 2): an aggregate whose streams the retention job truncates, feeding
 * a projection without `on_snapshot`, leaves that read model unable to rebuild what the removed
 * events wrote (README "Projections and closing snapshots"): a warning on the projection.
 */
import { aggregateEventTypes, projectionEventTypes } from '../../projections/compile/compileProjection.js';
import type { CheckContext } from './context.js';

/** Warns about each projection fed by an aggregate with `retention` that declares no `on_snapshot`. */
export function checkRetention(ctx: CheckContext): void {
  const emitted = aggregateEventTypes(ctx.model);
  const retained = Object.entries(ctx.model.aggregates).filter(([, a]) => a.retention !== undefined);
  if (retained.length === 0) return;
  for (const [name, p] of Object.entries(ctx.model.projections)) {
    if (p.on_snapshot !== undefined) continue;
    const read = projectionEventTypes(p);
    const feeders = retained.filter(([aggregate]) => read.some((t) => emitted.get(aggregate)?.has(t))).map(([aggregate]) => aggregate);
    if (feeders.length === 0) continue;
    ctx.warn(
      'CONFIG_SNAPSHOT_UNMAPPED',
      `${feeders.join(', ')} ${feeders.length === 1 ? 'has' : 'have'} retention, but this projection declares no on_snapshot: after a truncation a rebuild misses what the removed events wrote (map the closing snapshot's data.state to its columns)`,
      ['projections', name],
      { key: true },
    );
  }
}
