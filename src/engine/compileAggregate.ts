/**
 * Compiles an aggregate of the config into an AggregateDefinition: every expression is
 * compiled once here, never interpreted per command.
 */
import type { AggregateConfig, AppConfig } from '../config/schema/index.js';
import { NotFoundError } from '../errors.js';
import { limitsOf } from '../limits.js';
import type { AggregateDefinition, CommandDefinition, CompiledEmit } from './AggregateDefinition.js';
import { compileExpr, type CompiledExpr } from './compileExpr.js';
import { compileEventSchemas } from './eventSchemas.js';
import { applyReadsDataOnly } from './foldReads.js';
import { stableHash } from './stableHash.js';
import { identityUpcaster, type Upcaster } from './upcaster.js';
import { compileInputSpec } from './validateInput.js';
import { getOwn } from '../util/setOwn.js';

/** Compiles `config` (the aggregate called `name` in `model`). */
export function compileAggregate(
  config: AggregateConfig,
  name: string,
  model: AppConfig,
  upcaster: Upcaster = identityUpcaster,
): AggregateDefinition {
  const where = `aggregates.${name}`;
  const limits = limitsOf(model);
  const expr = (text: string, at: string) => compileExpr(text, at, limits);
  const compileMap = (fields: Record<string, string>, at: string): Array<readonly [string, CompiledExpr]> =>
    Object.entries(fields).map(([field, text]) => [field, expr(text, `${at}.${field}`)] as const);
  const commands = new Map<string, CommandDefinition>();
  for (const [cmdName, cmd] of Object.entries(config.commands)) {
    const at = `${where}.commands.${cmdName}`;
    commands.set(cmdName, {
      name: cmdName,
      creates: cmd.creates,
      input: compileInputSpec(cmd.input),
      rules: cmd.require.map((rule, i) => ({
        text: rule.when,
        message: rule.message,
        holds: expr(rule.when, `${at}.require[${i}]`),
      })),
      emits: cmd.emit.map(
        (e, i): CompiledEmit => ({
          type: e.type,
          data: e.data === undefined ? undefined : compileMap(e.data, `${at}.emit[${i}].data`),
          metadata: e.metadata === undefined ? undefined : compileMap(e.metadata, `${at}.emit[${i}].metadata`),
          when: e.when === undefined ? undefined : expr(e.when, `${at}.emit[${i}].when`),
        }),
      ),
    });
  }
  const apply = new Map(
    Object.entries(config.apply).map(([type, fields]) => [type, compileMap(fields, `${where}.apply.${type}`)] as const),
  );
  const transitions =
    config.valid_status_transitions === undefined
      ? undefined
      : new Map(Object.entries(config.valid_status_transitions).map(([from, to]) => [from, new Set(to)] as const));
  const snapshotFrequency = model.snapshots.enabled ? (config.snapshot_frequency ?? model.snapshots.frequency) : undefined;
  const eventVersion = (type: string): number => upcaster.newestVersion?.(type) ?? getOwn(model.events, type)?.version ?? 1;
  return {
    name,
    initialState: structuredClone(config.state),
    commands,
    apply,
    unique: config.unique,
    statusField: config.status_field,
    transitions,
    snapshotFrequency: snapshotFrequency !== undefined && snapshotFrequency > 0 ? snapshotFrequency : undefined,
    maxEvents: config.max_events,
    foldsDataOnly: upcaster === identityUpcaster && applyReadsDataOnly(config.apply),
    configHash: stableHash({ state: config.state, apply: config.apply, upcaster: upcaster.fingerprint }),
    eventVersion,
    eventSchemas: compileEventSchemas(model.events),
    limits,
  };
}

/** Compiles every aggregate of the model. */
export function compileAggregates(model: AppConfig, upcaster: Upcaster = identityUpcaster): Map<string, AggregateDefinition> {
  return new Map(
    Object.entries(model.aggregates).map(([name, config]) => [name, compileAggregate(config, name, model, upcaster)] as const),
  );
}

/** The definition of `type`, or a 404 UNKNOWN_AGGREGATE_TYPE. */
export function getDefinition(definitions: ReadonlyMap<string, AggregateDefinition>, type: string): AggregateDefinition {
  const def = definitions.get(type);
  if (def === undefined) throw new NotFoundError('UNKNOWN_AGGREGATE_TYPE', `unknown aggregate type '${type}'`);
  return def;
}
