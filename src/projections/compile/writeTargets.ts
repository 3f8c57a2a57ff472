/**
 * The write targets of a projection, in target order (its table, then each join), each with
 * the mappings that write it: what the projection's compiler and its scrub compiler both walk.
 */
import type { ProjectionConfig, ProjectionMapping } from '../../config/schema/projections.js';
import type { ProjectionTables } from '../tables/projectionTables.js';
import type { WriteTarget } from './compileWrites.js';
import { pathExpr } from './eventScope.js';

/** One table of a projection and what writes it. */
export interface TargetMappings {
  target: WriteTarget;
  /** The key's value when a mapping does not set it, as expression text: aggregate_id, position or data.<key>. */
  keyDefault: string;
  /** Every event type that writes it: those it lists and those it maps. */
  types: ReadonlySet<string>;
  /** Its mappings by event type (an event type without one upserts its data). */
  mapping: Readonly<Record<string, ProjectionMapping>>;
  /** Its columns declared `personal = true`. */
  personal: ReadonlySet<string>;
  /** The config path of its mappings, for messages: `projections.<name>.mapping` or `….joins.<join>.mapping`. */
  at: string;
}

/** The targets of projection `name`: index 0 its own table, then its joins in order. */
export function writeTargets(name: string, config: ProjectionConfig, tables: ProjectionTables): TargetMappings[] {
  const main: TargetMappings = {
    target: { index: 0, table: tables.main, keyDefault: pathExpr('aggregate_id') },
    keyDefault: 'aggregate_id',
    types: new Set([...config.events, ...Object.keys(config.mapping)]),
    mapping: config.mapping,
    personal: new Set(config.personal_columns),
    at: `projections.${name}.mapping`,
  };
  const joins = Object.entries(config.joins).map(([joinName, join], i): TargetMappings => {
    const spec = tables.joins[i]!;
    return {
      target: {
        index: i + 1,
        table: spec.table,
        keyDefault: spec.keyIsPosition ? pathExpr('position') : pathExpr('data', spec.table.key),
      },
      keyDefault: spec.keyIsPosition ? 'position' : `data.${spec.table.key}`,
      types: new Set([...join.events, ...Object.keys(join.mapping)]),
      mapping: join.mapping,
      personal: new Set(join.personal_columns),
      at: `projections.${name}.joins.${joinName}.mapping`,
    };
  });
  return [main, ...joins];
}
