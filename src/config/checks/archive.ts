/**
 * Archival (issue 16 item 3): a closing event (`archive.on`) must be one the aggregate emits,
 * and archived events only move out of the hot table when it is partitioned by the archived
 * flag (otherwise they are flagged in place: a warning), unless they go to files.
 */
import { eventStoreSchema } from '../schema/eventStore.js';
import type { CheckContext } from './context.js';

/** Reports unknown closing events, and archival on a table not partitioned by archived. */
export function checkArchive(ctx: CheckContext): void {
  const parsed = eventStoreSchema.safeParse(ctx.tree.value.event_store ?? {});
  if (!parsed.success) return; // the schema reports it
  const store = parsed.data;
  let archives = store.archive !== undefined && (store.archive.after !== undefined || store.archive.on !== undefined);
  for (const [name, aggregate] of Object.entries(ctx.model.aggregates)) {
    const rule = aggregate.archive;
    if (rule === undefined) continue;
    archives ||= rule.after !== undefined || rule.on !== undefined;
    const emitted = new Set([
      ...(aggregate.event_types ?? []),
      ...Object.values(aggregate.commands).flatMap((c) => c.emit.map((e) => e.type)),
    ]);
    const closing = rule.on === undefined ? [] : Array.isArray(rule.on) ? rule.on : [rule.on];
    for (const type of closing) {
      if (!emitted.has(type))
        ctx.error(
          'CONFIG_REFERENCE',
          `closing event "${type}" is not an event of ${name} (it emits ${[...emitted].join(', ') || 'none'})`,
          ['aggregates', name, 'archive', 'on'],
        );
    }
  }
  if (archives && store.archive?.storage !== 'files' && store.partitioning.by !== 'archived') {
    ctx.warn(
      'CONFIG_ARCHIVE_IN_PLACE',
      'archived events stay in the events table, only flagged; set event_store.partitioning = { by = "archived" } to move them to a partition of their own',
      ['event_store', 'archive'],
      { key: true },
    );
  }
}
