/**
 * Saga steps name commands that exist: a bare name unique across aggregates, or
 * `aggregate.Command`. Step inputs name the command's declared inputs.
 */
import type { Path } from '../../tsk/document.js';
import { didYouMean } from '../didYouMean.js';
import type { CommandConfig } from '../schema/aggregates.js';
import type { SagaStepConfig } from '../schema/sagas.js';
import type { CheckContext } from './context.js';

export interface ResolvedCommand {
  aggregate: string;
  command: string;
  config: CommandConfig;
}

/** Resolves a saga command reference, or says why it does not resolve. */
export function resolveCommand(ctx: CheckContext, ref: string): ResolvedCommand | string {
  const all: ResolvedCommand[] = [];
  for (const [aggregate, agg] of Object.entries(ctx.model.aggregates)) {
    for (const [command, config] of Object.entries(agg.commands)) all.push({ aggregate, command, config });
  }
  const dot = ref.indexOf('.');
  const matches = dot > 0 ? all.filter((c) => `${c.aggregate}.${c.command}` === ref) : all.filter((c) => c.command === ref);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    return `command \`${ref}\` is ambiguous: declared by ${matches.map((c) => `\`${c.aggregate}.${c.command}\``).join(', ')}; write one of those`;
  }
  const names = [...all.map((c) => c.command), ...all.map((c) => `${c.aggregate}.${c.command}`)];
  const hint = didYouMean(ref, names);
  return `command \`${ref}\` is not declared by any aggregate${hint || (all.length === 0 ? ' (no aggregate declares commands)' : '')}`;
}

/**
 * Every step's command and compensation resolve to exactly one aggregate command; step names
 * are unique in their saga (the step log is keyed by them); compensation settings have a
 * compensation to apply to; no aggregate takes a `$` name, which saga streams use.
 */
export function checkSagas(ctx: CheckContext): void {
  for (const aggregate of Object.keys(ctx.model.aggregates)) {
    if (aggregate.startsWith('$')) {
      ctx.error(
        'CONFIG_INVALID',
        `aggregate name \`${aggregate}\` is reserved: names starting with \`$\` are tusk-es's own streams (sagas)`,
        ['aggregates', aggregate],
        { key: true },
      );
    }
  }
  for (const [name, saga] of Object.entries(ctx.model.sagas)) {
    const seen = new Map<string, number>();
    saga.steps.forEach((step, i) => {
      const base: Path = ['sagas', name, 'steps', i];
      const first = seen.get(step.name);
      if (first !== undefined)
        ctx.error('CONFIG_INVALID', `step name \`${step.name}\` is used twice in this saga (also step ${first + 1})`, [...base, 'name']);
      else seen.set(step.name, i);
      checkCompensationKeys(ctx, step, base);
      if (step.command !== undefined) {
        const r = resolveCommand(ctx, step.command);
        if (typeof r === 'string') ctx.error('CONFIG_REFERENCE', r, [...base, 'command']);
        else checkInputs(ctx, r, Object.keys(step.input), [...base, 'input']);
      }
      if (step.compensation !== undefined) {
        const r = resolveCommand(ctx, step.compensation);
        if (typeof r === 'string') ctx.error('CONFIG_REFERENCE', r, [...base, 'compensation']);
        else if (step.compensation_input) checkInputs(ctx, r, Object.keys(step.compensation_input), [...base, 'compensation_input']);
      }
    });
  }
}

function checkCompensationKeys(ctx: CheckContext, step: SagaStepConfig, base: Path): void {
  const command = step.compensation !== undefined;
  if (!command && step.compensation_target !== undefined) {
    ctx.warn('CONFIG_IGNORED', '`compensation_target` has no effect without a `compensation` command', [...base, 'compensation_target'], {
      key: true,
    });
  }
  if (!command && step.compensation_input !== undefined) {
    ctx.warn('CONFIG_IGNORED', '`compensation_input` has no effect without a `compensation` command', [...base, 'compensation_input'], {
      key: true,
    });
  }
}

function checkInputs(ctx: CheckContext, cmd: ResolvedCommand, given: string[], base: Path): void {
  const declared = Object.keys(cmd.config.input);
  for (const field of given) {
    if (!declared.includes(field)) {
      ctx.error(
        'CONFIG_REFERENCE',
        `\`${field}\` is not an input of ${cmd.aggregate}.${cmd.command}${didYouMean(field, declared)}`,
        [...base, field],
        { key: true },
      );
    }
  }
}
