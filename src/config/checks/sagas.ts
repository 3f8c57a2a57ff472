/**
 * Saga steps name commands that exist: a bare name unique across aggregates, or
 * `aggregate.Command`. Step inputs name the command's declared inputs.
 */
import type { Path } from '../../tsk/document.js';
import { didYouMean } from '../didYouMean.js';
import type { CommandConfig } from '../schema/aggregates.js';
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

/** Every step's command and compensation resolve to exactly one aggregate command. */
export function checkSagas(ctx: CheckContext): void {
  for (const [name, saga] of Object.entries(ctx.model.sagas)) {
    saga.steps.forEach((step, i) => {
      const base: Path = ['sagas', name, 'steps', i];
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

function checkInputs(ctx: CheckContext, cmd: ResolvedCommand, given: string[], base: Path): void {
  const declared = Object.keys(cmd.config.input);
  for (const field of given) {
    if (!declared.includes(field)) {
      ctx.error('CONFIG_REFERENCE', `\`${field}\` is not an input of ${cmd.aggregate}.${cmd.command}${didYouMean(field, declared)}`, [...base, field], { key: true });
    }
  }
}
