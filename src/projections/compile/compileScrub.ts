/**
 * Scrubbing (issue 16): when a data subject is forgotten, the columns declared `personal =
 * true` are computed again from the subject's events, which now read as erased. Each mapping
 * that writes a personal column becomes an `update` of only those columns, of the row the
 * mapping wrote (by its key, or its `where`), so the row ends as a rebuild would write it
 * and its other columns stay as they are.
 */
import type { ProjectionConfig, ProjectionMapping } from '../../config/schema/projections.js';
import type { ProjectionTables } from '../tables/projectionTables.js';
import { compileMapping, type WritePlanner, type WriteTarget } from './compileWrites.js';
import { writeTargets } from './writeTargets.js';
import { getOwn } from '../../util/setOwn.js';

/** The scrub planners of a projection, per event type, in target order; empty when it has no personal column. */
export function compileScrub(name: string, config: ProjectionConfig, tables: ProjectionTables): Map<string, WritePlanner[]> {
  const out = new Map<string, WritePlanner[]>();
  const add = (type: string, planner: WritePlanner | undefined) => {
    if (planner === undefined) return;
    const list = out.get(type);
    if (list === undefined) out.set(type, [planner]);
    else list.push(planner);
  };
  for (const { target, keyDefault, types, mapping, personal, at } of writeTargets(name, config, tables))
    for (const type of types) add(type, scrubPlanner(target, keyDefault, personal, getOwn(mapping, type), `${at}.${type}`));
  return out;
}

/** The update that recomputes the personal columns one mapping (or an unmapped event) writes. */
function scrubPlanner(
  target: WriteTarget,
  keyDefault: string,
  personal: ReadonlySet<string>,
  mapping: ProjectionMapping | undefined,
  where: string,
): WritePlanner | undefined {
  if (personal.size === 0) return undefined;
  const key = target.table.key;
  // an unmapped event upserts its data fields: a personal column is `data.<column>`
  const m: ProjectionMapping = mapping ?? { action: 'upsert', fields: Object.fromEntries([...personal].map((c) => [c, `data.${c}`])) };
  if (m.action === 'delete') return undefined;
  const fields = Object.fromEntries(Object.entries(m.fields).filter(([c]) => personal.has(c) && c !== key));
  if (Object.keys(fields).length === 0) return undefined;
  const filter = m.action === 'update' ? m.where : `${key} = (${getOwn(m.fields, key) ?? keyDefault})`;
  const update: ProjectionMapping = {
    action: 'update',
    fields,
    ...(filter !== undefined ? { where: filter } : {}),
    ...(m.when !== undefined ? { when: m.when } : {}),
  };
  return compileMapping(target, update, `${where} (scrub)`);
}
