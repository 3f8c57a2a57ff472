/**
 * Every expression string in the model, with its canonical path and what it may name
 * (SPEC §4): rules see state, input and aggregate_id; apply sees state and the event;
 * projections see the row and the event; sagas the triggering event; migrations value and data.
 */
import type { Path } from '../../tsk/document.js';
import type { AggregateConfig } from '../schema/aggregates.js';
import type { ProjectionConfig } from '../schema/projections.js';
import { eventFields, type EventFields } from '../../projections/tables/eventFields.js';
import { projectionTables } from '../../projections/tables/projectionTables.js';
import { emitPath, requirePath } from './commandPaths.js';
import type { CheckContext } from './context.js';
import { isBuiltinTransform, looksLikeTransformName } from './transforms.js';

/** What an expression may name, by where it is written. */
export type ExprSiteScope =
  | { kind: 'rule'; fields: string[]; inputs: string[] }
  | { kind: 'emit'; fields: string[]; inputs: string[] }
  | { kind: 'apply'; fields: string[] }
  | { kind: 'projection'; columns: string[] }
  | { kind: 'saga' }
  | { kind: 'migration' };

export interface ExprSite {
  text: string;
  path: Path;
  scope: ExprSiteScope;
}

/** All expression sites of the (partial) model. */
export function expressionSites(ctx: CheckContext): ExprSite[] {
  const out: ExprSite[] = [];
  for (const [name, agg] of Object.entries(ctx.model.aggregates)) out.push(...aggregateSites(ctx, name, agg));
  const fields = eventFields(ctx.model);
  for (const [name, p] of Object.entries(ctx.model.projections)) out.push(...projectionSites(name, p, fields));
  for (const [name, saga] of Object.entries(ctx.model.sagas)) {
    const scope: ExprSiteScope = { kind: 'saga' };
    saga.steps.forEach((s, i) => {
      const base = ['sagas', name, 'steps', i];
      if (s.target) out.push({ text: s.target, path: [...base, 'target'], scope });
      if (s.compensation_target) out.push({ text: s.compensation_target, path: [...base, 'compensation_target'], scope });
      for (const [k, v] of Object.entries(s.input)) out.push({ text: v, path: [...base, 'input', k], scope });
      for (const [k, v] of Object.entries(s.compensation_input ?? {}))
        out.push({ text: v, path: [...base, 'compensation_input', k], scope });
      for (const [k, v] of Object.entries(s.call?.body ?? {})) out.push({ text: v, path: [...base, 'call', 'body', k], scope });
      for (const [k, v] of Object.entries(s.compensation_call?.body ?? {}))
        out.push({ text: v, path: [...base, 'compensation_call', 'body', k], scope });
    });
  }
  for (const [key, m] of Object.entries(ctx.model.migrations)) {
    for (const [field, t] of Object.entries(m.changes.transform_fields ?? {})) {
      if (isBuiltinTransform(t) || looksLikeTransformName(t)) continue;
      out.push({
        text: t,
        path: ['event_versioning', 'migrations', key, 'changes', 'transform_fields', field],
        scope: { kind: 'migration' },
      });
    }
  }
  return out;
}

function aggregateSites(ctx: CheckContext, name: string, agg: AggregateConfig): ExprSite[] {
  const out: ExprSite[] = [];
  const fields = [...new Set([...Object.keys(agg.state), ...Object.values(agg.apply).flatMap((r) => Object.keys(r))])];
  for (const [cmdName, cmd] of Object.entries(agg.commands)) {
    const inputs = Object.keys(cmd.input);
    cmd.require.forEach((r, i) =>
      out.push({ text: r.when, path: requirePath(ctx.tree, name, cmdName, i), scope: { kind: 'rule', fields, inputs } }),
    );
    cmd.emit.forEach((e, i) => {
      const base = emitPath(ctx.tree, name, cmdName, i);
      const scope: ExprSiteScope = { kind: 'emit', fields, inputs };
      for (const [k, v] of Object.entries(e.data ?? {})) out.push({ text: v, path: [...base, 'data', k], scope });
      for (const [k, v] of Object.entries(e.metadata ?? {})) out.push({ text: v, path: [...base, 'metadata', k], scope });
      if (e.when) out.push({ text: e.when, path: [...base, 'when'], scope });
    });
  }
  for (const [event, rules] of Object.entries(agg.apply)) {
    for (const [field, text] of Object.entries(rules))
      out.push({ text, path: ['aggregates', name, 'apply', event, field], scope: { kind: 'apply', fields } });
  }
  return out;
}

function projectionSites(name: string, p: ProjectionConfig, fields: EventFields): ExprSite[] {
  const out: ExprSite[] = [];
  // the columns of the tables as the runtime creates them (declared, or inferred)
  const tables = projectionTables(name, p, fields);
  const scope: ExprSiteScope = { kind: 'projection', columns: tables.main.columns.map((c) => c.name) };
  const one = (m: ProjectionConfig['mapping'][string], at: Path, s: ExprSiteScope) => {
    if (m.where) out.push({ text: m.where, path: [...at, 'where'], scope: s });
    if (m.when) out.push({ text: m.when, path: [...at, 'when'], scope: s });
    for (const [col, text] of Object.entries(m.fields)) out.push({ text, path: [...at, 'fields', col], scope: s });
  };
  const mappings = (mapping: ProjectionConfig['mapping'], base: Path, s: ExprSiteScope) => {
    for (const [event, m] of Object.entries(mapping)) one(m, [...base, 'mapping', event], s);
  };
  mappings(p.mapping, ['projections', name], scope);
  if (p.on_snapshot !== undefined) one(p.on_snapshot, ['projections', name, 'on_snapshot'], scope);
  if (typeof p.on_stream_deleted === 'object')
    out.push({ text: p.on_stream_deleted.where, path: ['projections', name, 'on_stream_deleted', 'where'], scope });
  Object.entries(p.joins).forEach(([joinName, join], i) => {
    const columns = tables.joins[i]?.table.columns.map((c) => c.name) ?? [];
    mappings(join.mapping, ['projections', name, 'joins', joinName], { kind: 'projection', columns });
  });
  return out;
}
