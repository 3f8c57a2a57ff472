/**
 * Migration chains per event type: contiguous (no gaps), no loops or duplicates, ending
 * at the event's declared version; transforms are built-ins or expressions.
 */
import type { Path } from '../../tsk/document.js';
import { didYouMean } from '../didYouMean.js';
import type { MigrationConfig } from '../schema/eventVersioning.js';
import type { CheckContext } from './context.js';
import { checkEventName } from './events.js';
import { BUILTIN_TRANSFORMS, isBuiltinTransform, looksLikeTransformName } from './transforms.js';

interface Step {
  key: string;
  event: string;
  m: MigrationConfig;
}

/** The event type a migration moves: `event`, else the key prefix before `_vN_to_vM`. */
export function migrationEvent(key: string, m: MigrationConfig): string | undefined {
  return m.event ?? /^(.+?)_v\d+_to_v\d+$/.exec(key)?.[1];
}

/** Chains, versions and transform names of every migration. */
export function checkMigrations(ctx: CheckContext): void {
  const byEvent = new Map<string, Step[]>();
  for (const [key, m] of Object.entries(ctx.model.migrations)) {
    const base: Path = ['event_versioning', 'migrations', key];
    const event = migrationEvent(key, m);
    if (event === undefined) {
      ctx.error('CONFIG_MIGRATION_CHAIN', 'cannot tell which event this migrates: name it <Event>_v<N>_to_v<M> or set event = "…"', base, { key: true });
      continue;
    }
    checkEventName(ctx, event, m.event !== undefined ? [...base, 'event'] : base, { key: m.event === undefined });
    if (m.to_version <= m.from_version) {
      ctx.error('CONFIG_MIGRATION_CHAIN', `to_version ${m.to_version} must be greater than from_version ${m.from_version} (a migration cannot loop back)`, [...base, 'to_version']);
      continue;
    }
    checkTransforms(ctx, m, base);
    byEvent.set(event, [...(byEvent.get(event) ?? []), { key, event, m }]);
  }
  for (const [event, steps] of byEvent) checkChain(ctx, event, steps);
}

function checkChain(ctx: CheckContext, event: string, steps: Step[]): void {
  steps.sort((a, b) => a.m.from_version - b.m.from_version);
  const path = (s: Step): Path => ['event_versioning', 'migrations', s.key];
  for (let i = 1; i < steps.length; i++) {
    const prev = steps[i - 1]!;
    const cur = steps[i]!;
    if (cur.m.from_version === prev.m.from_version) {
      ctx.error('CONFIG_MIGRATION_CHAIN', `${event} has two migrations from v${cur.m.from_version} (${prev.key} and ${cur.key})`, path(cur), { key: true });
    } else if (cur.m.from_version < prev.m.to_version) {
      ctx.error('CONFIG_MIGRATION_CHAIN', `${event} migrations overlap: ${prev.key} goes to v${prev.m.to_version}, ${cur.key} starts at v${cur.m.from_version}`, path(cur), { key: true });
    } else if (cur.m.from_version > prev.m.to_version) {
      ctx.error('CONFIG_MIGRATION_CHAIN', `${event} has a gap: nothing migrates v${prev.m.to_version} to v${cur.m.from_version} (between ${prev.key} and ${cur.key})`, path(cur), { key: true });
    }
  }
  const declared = ctx.model.events[event]?.version;
  const last = steps[steps.length - 1]!;
  if (declared !== undefined && ctx.tree.get(['events', event, 'version']) !== undefined && declared !== last.m.to_version) {
    ctx.error('CONFIG_MIGRATION_CHAIN', `events.${event}.version is ${declared} but its migrations end at v${last.m.to_version}`, ['events', event, 'version']);
  }
}

function checkTransforms(ctx: CheckContext, m: MigrationConfig, base: Path): void {
  for (const [field, t] of Object.entries(m.changes.transform_fields ?? {})) {
    if (isBuiltinTransform(t) || !looksLikeTransformName(t)) continue; // expressions are checked with the others
    ctx.error('CONFIG_MIGRATION_CHAIN', `unknown transform \`${t}\`${didYouMean(t, BUILTIN_TRANSFORMS)} (built-ins: ${BUILTIN_TRANSFORMS.join(', ')}; or an expression over value and data)`, [...base, 'changes', 'transform_fields', field]);
  }
}
