/**
 * Projections consume declared events; a mapping is for an event the projection (or the
 * join) lists; joins name their parent key. Tables and columns: declarations are types tusk-es
 * knows, names fit PostgreSQL and collide with nothing, mappings use their action's keys.
 */
import type { ProjectionConfig, ProjectionMapping } from '../schema/projections.js';
import type { Path } from '../../tsk/document.js';
import { isPlainObject } from '../paths.js';
import { eventFields } from '../../projections/tables/eventFields.js';
import { projectionTables } from '../../projections/tables/projectionTables.js';
import type { CheckContext } from './context.js';
import { checkEventName } from './events.js';

// the store's own tables (src/store/migrations), before the configured table_prefix
const STORE_TABLES = [
  'events',
  'streams',
  'snapshots',
  'idempotency',
  'uniques',
  'checkpoints',
  'leases',
  'schema_migrations',
  'dead_letters',
  'store_identity',
  'saga_instances',
  'subject_keys',
  'subject_streams',
];

/** Event names, table layouts, mapping keys and table names of projections and their joins. */
export function checkProjections(ctx: CheckContext): void {
  const fields = eventFields(ctx.model);
  const tables = new Map<string, Path>();
  const store = storeTableNames(ctx);
  const claimTable = (table: string, path: Path) => {
    const other = tables.get(table);
    if (other !== undefined) ctx.error('CONFIG_INVALID', `table "${table}" is already the table of ${ctx.where(other)}`, path);
    else if (store.has(table))
      ctx.error('CONFIG_INVALID', `table "${table}" is one of the event store's own tables; choose another name`, path);
    else if (table.includes('__tusk_')) ctx.error('CONFIG_INVALID', `table names containing "__tusk_" are reserved for rebuilds`, path);
    tables.set(table, path);
  };
  for (const [name, p] of Object.entries(ctx.model.projections)) {
    const base: Path = ['projections', name];
    checkList(ctx, p.events, p.mapping, base);
    claimTable(p.table, [...base, 'table']);
    for (const [joinName, join] of Object.entries(p.joins)) {
      const at = [...base, 'joins', joinName];
      checkList(ctx, join.events, join.mapping, at);
      claimTable(join.table, [...at, 'table']);
    }
    checkOnError(ctx, p, base);
    const problems: Parameters<typeof projectionTables>[3] = [];
    projectionTables(name, p, fields, problems);
    for (const problem of problems) ctx.error('CONFIG_INVALID', problem.message, problem.path, { key: problem.key ?? false });
  }
}

/**
 * on_error and max_retries are about an async projection's worker: an inline projection runs in
 * the command's transaction, so a failure refuses the command (422 PROJECTION_FAILED) and
 * nothing is written; there is nothing to park or skip.
 */
function checkOnError(ctx: CheckContext, p: ProjectionConfig, base: Path): void {
  const root = ctx.tree.value;
  const defaults = isPlainObject(root) && isPlainObject(root.projection_defaults) ? root.projection_defaults : {};
  if ((p.mode ?? defaults.mode) === 'async') return;
  for (const key of ['on_error', 'max_retries'] as const) {
    if (p[key] === undefined) continue;
    ctx.warn(
      'CONFIG_INVALID',
      `${key} applies to async projections only: an inline projection's failure refuses the command (422 PROJECTION_FAILED) and nothing is written; set mode = "async" or remove it`,
      [...base, key],
      { key: true },
    );
  }
}

function checkList(ctx: CheckContext, events: readonly string[], mapping: Record<string, ProjectionMapping>, base: Path): void {
  events.forEach((t, i) => checkEventName(ctx, t, [...base, 'events', i]));
  const listed = new Set(events);
  for (const [type, m] of Object.entries(mapping)) {
    const path = [...base, 'mapping', type];
    checkMappingKeys(ctx, m, path);
    if (!checkEventName(ctx, type, path, { key: true })) continue;
    if (!listed.has(type)) {
      ctx.error(
        'CONFIG_REFERENCE',
        `mapping for \`${type}\`, which is not in this projection's events [${events.join(', ')}]; add it to \`events\``,
        path,
        { key: true },
      );
    }
  }
}

/** `where` filters the rows of update and delete; insert and upsert find their row by the key. */
function checkMappingKeys(ctx: CheckContext, m: ProjectionMapping, path: Path): void {
  if (m.where !== undefined && (m.action === 'insert' || m.action === 'upsert')) {
    ctx.error(
      'CONFIG_INVALID',
      `\`where\` does not apply to ${m.action}: it writes the row whose key the fields give (set the key column in \`fields\`)`,
      [...path, 'where'],
    );
  }
  if (m.action === 'delete' && Object.keys(m.fields).length > 0) {
    ctx.error('CONFIG_INVALID', '`fields` do not apply to delete: it removes the rows `where` selects', [...path, 'fields']);
  }
}

/** The names of the store's tables in the configured prefix (when the event_store block says). */
function storeTableNames(ctx: CheckContext): Set<string> {
  const storeBlock = ctx.tree.value.event_store;
  const prefix = isPlainObject(storeBlock) && typeof storeBlock.table_prefix === 'string' ? storeBlock.table_prefix : '';
  return new Set(STORE_TABLES.map((t) => `${prefix}${t}`));
}
