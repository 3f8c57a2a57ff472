/**
 * Projections consume declared events; a mapping is for an event the projection (or the
 * join) lists; joins name their parent key.
 */
import type { Path } from '../../tsk/document.js';
import type { CheckContext } from './context.js';
import { checkEventName } from './events.js';

/** Event names of projections and their joins. */
export function checkProjections(ctx: CheckContext): void {
  for (const [name, p] of Object.entries(ctx.model.projections)) {
    const base: Path = ['projections', name];
    checkList(ctx, p.events, p.mapping, base);
    for (const [joinName, join] of Object.entries(p.joins)) checkList(ctx, join.events, join.mapping, [...base, 'joins', joinName]);
  }
}

function checkList(ctx: CheckContext, events: readonly string[], mapping: Record<string, unknown>, base: Path): void {
  events.forEach((t, i) => checkEventName(ctx, t, [...base, 'events', i]));
  const listed = new Set(events);
  for (const type of Object.keys(mapping)) {
    const path = [...base, 'mapping', type];
    if (!checkEventName(ctx, type, path, { key: true })) continue;
    if (!listed.has(type)) {
      ctx.error('CONFIG_REFERENCE', `mapping for \`${type}\`, which is not in this projection's events [${events.join(', ')}]; add it to \`events\``, path, { key: true });
    }
  }
}
