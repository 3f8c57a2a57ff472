/**
 * A projection compiled once at startup: its tables (declared or inferred), and per event type
 * the planners of its writes (the main table's first, then each join's), ready for the inline
 * hook, the async worker and rebuilds alike, so all three write the same rows.
 */
import type { AppConfig } from '../../config/schema/index.js';
import type { ProjectionConfig, ProjectionDefaults } from '../../config/schema/projections.js';
import { CLOSING_SNAPSHOT } from '../../engine/systemEvents.js';
import { ConfigError } from '../../errors.js';
import { formatPath } from '../../config/paths.js';
import { eventFields, type EventFields } from '../tables/eventFields.js';
import { projectionTables, type LayoutProblem, type ProjectionTables } from '../tables/projectionTables.js';
import type { TableSpec } from '../tables/TableSpec.js';
import { compileDataUpsert, compileMapping, type WritePlanner, type WriteTarget } from './compileWrites.js';
import { compileScrub } from './compileScrub.js';
import { writeTargets } from './writeTargets.js';
import { pathExpr } from './eventScope.js';
import { getOwn } from '../../util/setOwn.js';

/** A compiled projection. */
export interface CompiledProjection {
  name: string;
  mode: 'inline' | 'async';
  /** False: the tables exist and answer queries, but nothing keeps them up to date (rebuilds still work). */
  enabled: boolean;
  batchSize: number;
  /** Partitions of its async worker (see src/consumers/Fleet.ts). */
  partitions: number;
  tables: ProjectionTables;
  /** [main, ...joins]: the tables in target order. */
  targets: readonly TableSpec[];
  /** Every event type it reads (its own and its joins'). */
  types: readonly string[];
  /** Per event type, the planners of its writes, in target order. */
  planners: ReadonlyMap<string, readonly WritePlanner[]>;
  /** The name of its checkpoint (and of its async worker's lease). */
  checkpoint: string;
  /** Per event type, the updates that recompute its `personal = true` columns (empty: none). */
  scrub: ReadonlyMap<string, readonly WritePlanner[]>;
  /** True in a conjoined store: its tables are the tenants' (TableSpec.tenant), each event applied as its tenant. */
  tenant: boolean;
  /** `on_stream_deleted`: the deletes a hard delete of a stream runs, in target order (empty: keep the rows). */
  onStreamDeleted: readonly WritePlanner[];
}

/** The checkpoint name of projection `name`. */
export function projectionCheckpoint(name: string): string {
  return `projection:${name}`;
}

/** Compiles every projection of `model`; throws ConfigError naming the first bad one. */
export function compileProjections(model: AppConfig): CompiledProjection[] {
  const fields = eventFields(model);
  const tenant = model.event_store.tenancy?.mode === 'conjoined';
  const emitted = aggregateEventTypes(model);
  return Object.entries(model.projections).map(([name, config]) =>
    compileProjection(name, config, model.projection_defaults, fields, tenant, feedingAggregates(config, emitted)),
  );
}

/** The event types each aggregate of `model` emits (what ties a projection to a stream type). */
export function aggregateEventTypes(model: Pick<AppConfig, 'aggregates'>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [name, aggregate] of Object.entries(model.aggregates)) {
    const types = new Set(aggregate.event_types ?? []);
    for (const command of Object.values(aggregate.commands)) for (const emit of command.emit) types.add(emit.type);
    out.set(name, types);
  }
  return out;
}

/** The aggregate types that emit an event `config` (or one of its joins) reads. */
function feedingAggregates(config: ProjectionConfig, emitted: ReadonlyMap<string, ReadonlySet<string>>): Set<string> {
  const read = projectionEventTypes(config);
  return new Set([...emitted].filter(([, types]) => read.some((t) => types.has(t))).map(([name]) => name));
}

/** Every event type `config` names: its events and mappings, and its joins'. */
export function projectionEventTypes(config: Pick<ProjectionConfig, 'events' | 'mapping' | 'joins'>): string[] {
  const joins = Object.values(config.joins).flatMap((j) => [...j.events, ...Object.keys(j.mapping)]);
  return [...new Set([...config.events, ...Object.keys(config.mapping), ...joins])];
}

/** Compiles one projection; `known` are the event data fields of the model (eventFields). */
export function compileProjection(
  name: string,
  config: ProjectionConfig,
  defaults: ProjectionDefaults,
  known: EventFields,
  tenant = false,
  /** The aggregate types feeding it: the streams whose closing snapshots `on_snapshot` writes. */
  feeders: ReadonlySet<string> = new Set(),
): CompiledProjection {
  const problems: LayoutProblem[] = [];
  const tables = projectionTables(name, config, known, problems);
  if (tenant) for (const spec of [tables.main, ...tables.joins.map((j) => j.table)]) spec.tenant = true;
  if (problems.length > 0) throw new ConfigError(`${formatPath(problems[0]!.path)}: ${problems[0]!.message}`, []);

  const planners = new Map<string, WritePlanner[]>();
  const add = (type: string, planner: WritePlanner) => {
    const list = planners.get(type);
    if (list === undefined) planners.set(type, [planner]);
    else list.push(planner);
  };
  const targets = writeTargets(name, config, tables);
  for (const { target, types, mapping, at } of targets) {
    for (const type of types) {
      const m = getOwn(mapping, type);
      add(type, m === undefined ? compileDataUpsert(target) : compileMapping(target, m, `${at}.${type}`));
    }
  }
  const main = targets[0]!.target;
  if (config.on_snapshot !== undefined) {
    // A closing snapshot of another aggregate's stream is none of this read model's business.
    const write = compileMapping(main, config.on_snapshot, `projections.${name}.on_snapshot`);
    add(CLOSING_SNAPSHOT, (event, scope) => (feeders.has(event.streamType) ? write(event, scope) : undefined));
  }
  const onStreamDeleted: WritePlanner[] = [];
  const removal = config.on_stream_deleted;
  if (removal !== 'keep') {
    const path = `projections.${name}.on_stream_deleted`;
    onStreamDeleted.push(
      compileMapping(main, { action: 'delete', fields: {}, ...(typeof removal === 'object' ? { where: removal.where } : {}) }, path),
    );
    tables.joins.forEach((spec, i) => {
      const target: WriteTarget = { index: i + 1, table: spec.table, keyDefault: pathExpr('aggregate_id') };
      onStreamDeleted.push(compileMapping(target, { action: 'delete', fields: {} }, path));
    });
  }
  return {
    name,
    mode: config.mode ?? defaults.mode,
    enabled: (config.enabled ?? true) && defaults.enabled,
    batchSize: config.batch_size ?? defaults.batch_size,
    partitions: config.partitions ?? 1,
    tables,
    targets: [tables.main, ...tables.joins.map((j) => j.table)],
    types: [...planners.keys()],
    planners,
    checkpoint: projectionCheckpoint(name),
    scrub: compileScrub(name, config, tables),
    tenant,
    onStreamDeleted,
  };
}
