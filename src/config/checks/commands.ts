/**
 * Aggregate consistency: `input.x` names a declared input; `unique` fields are fields the
 * aggregate can hold; `status_field` and the statuses `apply` sets agree with
 * `valid_status_transitions`.
 */
import type { SourceLocation } from '../../diagnostics.js';
import type { Path } from '../../tsk/document.js';
import type { AggregateConfig, CommandConfig } from '../schema/aggregates.js';
import { didYouMean } from '../didYouMean.js';
import { emitPath, requirePath } from './commandPaths.js';
import type { CheckContext } from './context.js';
import { getOwn } from '../../util/setOwn.js';

/** Input references, unique fields and status transitions of every aggregate. */
export function checkCommands(ctx: CheckContext): void {
  for (const [aggName, agg] of Object.entries(ctx.model.aggregates)) {
    for (const [cmdName, cmd] of Object.entries(agg.commands)) checkInputRefs(ctx, aggName, cmdName, cmd);
    checkUnique(ctx, aggName, agg);
    checkStatus(ctx, aggName, agg);
  }
}

function checkInputRefs(ctx: CheckContext, agg: string, cmdName: string, cmd: CommandConfig): void {
  const inputs = new Set(Object.keys(cmd.input));
  const scan = (text: string, path: Path) => {
    for (const m of text.matchAll(/\binput\.([A-Za-z_][A-Za-z0-9_]*)/g)) {
      const field = m[1]!;
      if (inputs.has(field)) continue;
      ctx.error('CONFIG_REFERENCE', `\`input.${field}\` is not a declared input of ${cmdName}${didYouMean(field, inputs)}`, path, {
        location: offset(ctx.contentAt(path), text, m.index),
      });
    }
  };
  cmd.require.forEach((r, i) => scan(r.when, requirePath(ctx.tree, agg, cmdName, i)));
  cmd.emit.forEach((e, i) => {
    const base = emitPath(ctx.tree, agg, cmdName, i);
    for (const [k, v] of Object.entries(e.data ?? {})) scan(v, [...base, 'data', k]);
    for (const [k, v] of Object.entries(e.metadata ?? {})) scan(v, [...base, 'metadata', k]);
    if (e.when) scan(e.when, [...base, 'when']);
  });
}

/** The location of character `index` of a string whose content starts at `start`. */
export function offset(start: SourceLocation | undefined, text: string, index: number): SourceLocation | undefined {
  if (!start) return undefined;
  const before = text.slice(0, index);
  const nl = before.lastIndexOf('\n');
  if (nl < 0) return { ...start, column: start.column + index };
  return { file: start.file, line: start.line + before.split('\n').length - 1, column: index - nl };
}

// a field is known when the state declares it, an apply rule sets it, or an event's data
// (the input of an `emits` command, or an emit's data) carries it into state
function fieldsOf(agg: AggregateConfig): Set<string> {
  const out = new Set(Object.keys(agg.state));
  for (const rules of Object.values(agg.apply)) for (const f of Object.keys(rules)) out.add(f);
  for (const cmd of Object.values(agg.commands)) {
    for (const e of cmd.emit) for (const f of Object.keys(e.data ?? cmd.input)) out.add(f);
  }
  return out;
}

function checkUnique(ctx: CheckContext, aggName: string, agg: AggregateConfig): void {
  if (Object.keys(agg.commands).length === 0) return; // nothing says which fields exist
  const fields = fieldsOf(agg);
  agg.unique.forEach((f, i) => {
    if (!fields.has(f)) {
      ctx.error('CONFIG_REFERENCE', `unique field \`${f}\` is never set: not in state, apply or any emitted data${didYouMean(f, fields)}`, [
        'aggregates',
        aggName,
        'unique',
        i,
      ]);
    }
  });
}

function checkStatus(ctx: CheckContext, aggName: string, agg: AggregateConfig): void {
  const transitions = agg.valid_status_transitions;
  if (!transitions) return;
  const base = ['aggregates', aggName];
  const statuses = new Set([...Object.keys(transitions), ...Object.values(transitions).flat()]);
  const field = agg.status_field;
  if (!(field in agg.state)) {
    const first = Object.keys(transitions)[0] ?? 'new';
    ctx.warn(
      'CONFIG_INVALID',
      `guards \`${field}\`, which is not in state; declare its initial value: state = { ${field} = "${first}" }`,
      [...base, 'valid_status_transitions'],
      { key: true },
    );
  } else {
    const initial = getOwn(agg.state, field);
    if (typeof initial === 'string' && !statuses.has(initial)) {
      ctx.error(
        'CONFIG_REFERENCE',
        `initial ${field} "${initial}" is not a status of valid_status_transitions${didYouMean(initial, statuses)}`,
        [...base, 'state', field],
      );
    }
  }
  for (const [event, rules] of Object.entries(agg.apply)) {
    const set = getOwn(rules, field);
    const literal = set === undefined ? undefined : /^\s*'([^']*)'\s*$/.exec(set)?.[1];
    if (literal !== undefined && !statuses.has(literal)) {
      ctx.error('CONFIG_REFERENCE', `status '${literal}' is not in valid_status_transitions${didYouMean(literal, statuses)}`, [
        ...base,
        'apply',
        event,
        field,
      ]);
    }
  }
}
