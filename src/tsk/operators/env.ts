/** `@env(NAME [, default])` and `@env.secure(NAME [, default])`. */
import { error, warning } from '../../diagnostics.js';
import { valueText } from '../../util/valueText.js';
import type { OperatorCall } from './context.js';
import { getOwn } from '../../util/setOwn.js';

/** The variable's value (a string), else the default (type kept), else null plus a diagnostic. */
export function envOperator(call: OperatorCall): unknown {
  const { args, context, location } = call;
  const name = args[0];
  if (args.length < 1 || args.length > 2 || typeof name !== 'string' || name === '') {
    context.diagnostics.push(
      error('TSK_OPERATOR_ARGS', `@${call.name} takes a variable name and an optional default: @${call.name}(NAME [, default])`, location),
    );
    return null;
  }
  const env = context.options.env ?? process.env;
  const set = getOwn(env, name);
  let value: unknown;
  if (set !== undefined) value = set;
  else if (args.length === 2) value = args[1];
  else {
    // check and print can run without the production environment; serve cannot
    const make = context.options.mode === 'serve' ? error : warning;
    context.diagnostics.push(make('TSK_ENV_NOT_SET', `${name} is not set`, location));
    value = null;
  }
  if (call.name === 'env.secure' && value !== null && value !== undefined && valueText(value) !== '') {
    context.secrets.add(valueText(value));
  }
  return value;
}
