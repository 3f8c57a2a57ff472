/**
 * `partitions` only means something on a consumer of the log: an async projection (an inline
 * one is written in the append's own transaction) and a saga that starts on events (the others
 * have no reader of the log). Where it has no effect, check says so, located, as for every
 * ignored key.
 */
import type { Path } from '../../tsk/document.js';
import type { CheckContext } from './context.js';

/** Warns about `partitions` where it has no effect. */
export function checkPartitions(ctx: CheckContext): void {
  const defaults = (ctx.tree.value as { projection_defaults?: { mode?: unknown } } | undefined)?.projection_defaults;
  for (const [name, p] of Object.entries(ctx.model.projections)) {
    const path: Path = ['projections', name, 'partitions'];
    if (p.partitions !== undefined && p.partitions > 1 && (p.mode ?? defaults?.mode ?? 'inline') === 'inline') {
      ctx.warn(
        'CONFIG_IGNORED',
        `\`partitions\` applies to async projections only: an inline projection is written in the append's transaction (set mode = "async")`,
        path,
        { key: true },
      );
    }
  }
  for (const [name, s] of Object.entries(ctx.model.sagas)) {
    if (s.partitions !== undefined && s.partitions > 1 && s.starts_on === undefined) {
      ctx.warn(
        'CONFIG_IGNORED',
        '`partitions` splits the reader of `starts_on` events; this saga has none (it starts over HTTP only)',
        ['sagas', name, 'partitions'],
        { key: true },
      );
    }
  }
}
