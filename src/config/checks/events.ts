/**
 * Every event type named anywhere is declared (an aggregate's `event_types`, a command's
 * emit, or the `events` block); an aggregate with `event_types` emits only those.
 */
import type { Path } from '../../tsk/document.js';
import { didYouMean } from '../didYouMean.js';
import { emitPath } from './commandPaths.js';
import type { CheckContext } from './context.js';

/** Reports an unknown event type at `path`; `known` narrows what counts as declared. */
export function checkEventName(
  ctx: CheckContext,
  type: string,
  path: Path,
  options: { known?: ReadonlySet<string>; key?: boolean } = {},
): boolean {
  const known = options.known ?? ctx.declaredEvents;
  if (type === '*' || known.has(type)) return true;
  const scope =
    known === ctx.declaredEvents ? "declared (in an aggregate's event_types, a command's emit, or the events block)" : 'in this list';
  ctx.error('CONFIG_REFERENCE', `unknown event type \`${type}\`: not ${scope}${didYouMean(type, known)}`, path, {
    key: options.key ?? false,
  });
  return false;
}

/** Commands, apply rules and saga/subscriber triggers name declared events. */
export function checkEvents(ctx: CheckContext): void {
  for (const [aggName, agg] of Object.entries(ctx.model.aggregates)) {
    const own = agg.event_types ? new Set(agg.event_types) : undefined;
    for (const [cmdName, cmd] of Object.entries(agg.commands)) {
      cmd.emit.forEach((e, i) => {
        const path = emitPath(ctx.tree, aggName, cmdName, i);
        const typePath = path[path.length - 1] === 'emits' ? path : [...path, 'type'];
        if (own && !own.has(e.type)) {
          ctx.error(
            'CONFIG_REFERENCE',
            `\`${e.type}\` is not in the aggregate's event_types [${[...own].join(', ')}]${didYouMean(e.type, own)}`,
            typePath,
          );
        }
      });
    }
    for (const type of Object.keys(agg.apply)) checkEventName(ctx, type, ['aggregates', aggName, 'apply', type], { key: true });
  }
  for (const [name, saga] of Object.entries(ctx.model.sagas)) {
    const starts = saga.starts_on;
    if (typeof starts === 'string') checkEventName(ctx, starts, ['sagas', name, 'starts_on']);
    else starts?.forEach((t, i) => checkEventName(ctx, t, ['sagas', name, 'starts_on', i]));
  }
  for (const [name, sub] of Object.entries(ctx.model.subscribers)) {
    sub.events.forEach((t, i) => checkEventName(ctx, t, ['subscribers', name, 'events', i]));
  }
}
