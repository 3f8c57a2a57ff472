/**
 * Migration chains per event type: contiguous (no gaps), no loops or duplicates, ending
 * at the event's declared version; transforms are built-ins or expressions; the changes of
 * one step do not contradict each other (the upcaster, src/migrations, relies on all this).
 */
import type { Path } from '../../tsk/document.js';
import { didYouMean } from '../didYouMean.js';
import type { MigrationConfig } from '../schema/eventVersioning.js';
import type { CheckContext } from './context.js';
import { checkEventName } from './events.js';
import { BUILTIN_TRANSFORMS, isBuiltinTransform, looksLikeTransformName } from './transforms.js';
import { getOwn } from '../../util/setOwn.js';

interface Step {
  key: string;
  event: string;
  m: MigrationConfig;
}

const KEY = /^(.+?)_v(\d+)_to_v(\d+)$/;

/** The event type a migration moves: `event`, else the key prefix before `_vN_to_vM`. */
export function migrationEvent(key: string, m: Pick<MigrationConfig, 'event'>): string | undefined {
  return m.event ?? KEY.exec(key)?.[1];
}

/** Chains, versions, transform names and step contents of every migration. */
export function checkMigrations(ctx: CheckContext): void {
  const byEvent = new Map<string, Step[]>();
  for (const [key, m] of Object.entries(ctx.model.migrations)) {
    const base: Path = ['event_versioning', 'migrations', key];
    const event = migrationEvent(key, m);
    if (event === undefined) {
      ctx.error('CONFIG_MIGRATION_CHAIN', 'cannot tell which event this migrates: name it <Event>_v<N>_to_v<M> or set event = "…"', base, {
        key: true,
      });
      continue;
    }
    checkEventName(ctx, event, m.event !== undefined ? [...base, 'event'] : base, { key: m.event === undefined });
    checkKeyAgrees(ctx, key, m, base);
    if (m.from_version < 1) {
      ctx.error('CONFIG_MIGRATION_CHAIN', `from_version ${m.from_version}: schema versions start at 1`, [...base, 'from_version']);
      continue;
    }
    if (m.to_version <= m.from_version) {
      ctx.error(
        'CONFIG_MIGRATION_CHAIN',
        `to_version ${m.to_version} must be greater than from_version ${m.from_version} (a migration cannot loop back)`,
        [...base, 'to_version'],
      );
      continue;
    }
    checkTransforms(ctx, m, base);
    checkChanges(ctx, m, [...base, 'changes']);
    byEvent.set(event, [...(byEvent.get(event) ?? []), { key, event, m }]);
  }
  for (const [event, steps] of byEvent) checkChain(ctx, event, steps);
}

// A key that says v1→v2 over a migration that does v2→v3 misleads every reader of the file.
function checkKeyAgrees(ctx: CheckContext, key: string, m: MigrationConfig, base: Path): void {
  const parsed = KEY.exec(key);
  if (parsed === null) return;
  const [, prefix, from, to] = parsed;
  if (m.event !== undefined && m.event !== prefix) {
    ctx.warn('CONFIG_MIGRATION_CHAIN', `the key names ${prefix} but event = "${m.event}": this migration moves ${m.event}`, [
      ...base,
      'event',
    ]);
  }
  if (Number(from) !== m.from_version || Number(to) !== m.to_version) {
    ctx.warn(
      'CONFIG_MIGRATION_CHAIN',
      `the key says v${from} to v${to} but from_version/to_version say v${m.from_version} to v${m.to_version}`,
      base,
      { key: true },
    );
  }
}

function checkChain(ctx: CheckContext, event: string, steps: Step[]): void {
  steps.sort((a, b) => a.m.from_version - b.m.from_version);
  const path = (s: Step): Path => ['event_versioning', 'migrations', s.key];
  for (let i = 1; i < steps.length; i++) {
    const prev = steps[i - 1]!;
    const cur = steps[i]!;
    if (cur.m.from_version === prev.m.from_version) {
      ctx.error(
        'CONFIG_MIGRATION_CHAIN',
        `${event} has two migrations from v${cur.m.from_version} (${prev.key} and ${cur.key})`,
        path(cur),
        { key: true },
      );
    } else if (cur.m.from_version < prev.m.to_version) {
      ctx.error(
        'CONFIG_MIGRATION_CHAIN',
        `${event} migrations overlap: ${prev.key} goes to v${prev.m.to_version}, ${cur.key} starts at v${cur.m.from_version}`,
        path(cur),
        { key: true },
      );
    } else if (cur.m.from_version > prev.m.to_version) {
      ctx.error(
        'CONFIG_MIGRATION_CHAIN',
        `${event} has a gap: nothing migrates v${prev.m.to_version} to v${cur.m.from_version} (between ${prev.key} and ${cur.key})`,
        path(cur),
        { key: true },
      );
    }
  }
  const declared = getOwn(ctx.model.events, event)?.version;
  const last = steps[steps.length - 1]!;
  if (declared !== undefined && ctx.tree.get(['events', event, 'version']) !== undefined && declared !== last.m.to_version) {
    ctx.error('CONFIG_MIGRATION_CHAIN', `events.${event}.version is ${declared} but its migrations end at v${last.m.to_version}`, [
      'events',
      event,
      'version',
    ]);
  }
}

function checkTransforms(ctx: CheckContext, m: MigrationConfig, base: Path): void {
  for (const [field, t] of Object.entries(m.changes.transform_fields ?? {})) {
    if (isBuiltinTransform(t) || !looksLikeTransformName(t)) continue; // expressions are checked with the others
    ctx.error(
      'CONFIG_MIGRATION_CHAIN',
      `unknown transform \`${t}\`${didYouMean(t, BUILTIN_TRANSFORMS)} (built-ins: ${BUILTIN_TRANSFORMS.join(', ')}; or an expression over value and data)`,
      [...base, 'changes', 'transform_fields', field],
    );
  }
}

/**
 * A step runs renames, removals, additions, then transforms (src/migrations/compileStep.ts);
 * changes that undo each other or can never take effect in that order are errors.
 */
function checkChanges(ctx: CheckContext, m: MigrationConfig, base: Path): void {
  const { add_fields: adds, remove_fields: removes = [], rename_fields: renames = {}, transform_fields: transforms = {} } = m.changes;
  const removed = new Set(removes);
  const added = new Set(adds === undefined ? [] : Array.isArray(adds) ? adds : Object.keys(adds));
  const addPath = (field: string): Path =>
    Array.isArray(adds) ? [...base, 'add_fields', adds.indexOf(field)] : [...base, 'add_fields', field];
  for (const field of added) {
    if (removed.has(field))
      ctx.error(
        'CONFIG_INVALID',
        `\`${field}\` is both added and removed by this migration`,
        addPath(field),
        Array.isArray(adds) ? {} : { key: true },
      );
  }
  const targets = new Map<string, string>();
  for (const [from, to] of Object.entries(renames)) {
    const at: Path = [...base, 'rename_fields', from];
    const other = targets.get(to);
    if (other !== undefined) ctx.error('CONFIG_INVALID', `\`${from}\` and \`${other}\` are both renamed to \`${to}\``, at);
    else if (removed.has(to)) ctx.error('CONFIG_INVALID', `\`${from}\` is renamed to \`${to}\`, which this migration removes`, at);
    targets.set(to, from);
  }
  for (const field of Object.keys(transforms)) {
    const at: Path = [...base, 'transform_fields', field];
    if (removed.has(field) && !added.has(field)) {
      ctx.error(
        'CONFIG_INVALID',
        `\`${field}\` is removed by this migration, so its transform never runs (transforms run after removals)`,
        at,
        { key: true },
      );
    } else if (Object.hasOwn(renames, field) && !targets.has(field) && !added.has(field)) {
      ctx.error(
        'CONFIG_INVALID',
        `\`${field}\` is renamed to \`${renames[field]}\` by this migration, so transform \`${renames[field]}\` instead (transforms run after renames)`,
        at,
        { key: true },
      );
    }
  }
}
