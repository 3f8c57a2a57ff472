/**
 * Scenario tests name things that exist: the aggregate and its command, the event types they
 * store and expect, the projections whose rows they read, the saga and its steps, and the
 * error code they expect. A typo is a located error at `check` time, not a failing test.
 */
import { ERROR_CATALOG } from '../../errors.js';
import type { Path } from '../../tsk/document.js';
import { didYouMean } from '../didYouMean.js';
import type { ScenarioConfig } from '../schema/tests.js';
import type { CheckContext } from './context.js';
import { getOwn } from '../../util/setOwn.js';

/** Checks every scenario of `tests`. */
export function checkTests(ctx: CheckContext): void {
  for (const [name, scenario] of Object.entries(ctx.model.tests)) checkScenario(ctx, scenario, ['tests', name]);
}

function checkScenario(ctx: CheckContext, s: ScenarioConfig, base: Path): void {
  const aggregates = Object.keys(ctx.model.aggregates);
  const known = (aggregate: string | undefined, path: Path): boolean => {
    if (aggregate === undefined || getOwn(ctx.model.aggregates, aggregate) !== undefined) return true;
    ctx.error('CONFIG_REFERENCE', `aggregate \`${aggregate}\` is not declared${didYouMean(aggregate, aggregates)}`, path);
    return false;
  };
  const aggregateOk = known(s.aggregate, [...base, 'aggregate']);
  const event = (type: string | undefined, path: Path) => {
    if (type === undefined || ctx.declaredEvents.has(type)) return;
    ctx.error('CONFIG_REFERENCE', `event type \`${type}\` is not declared${didYouMean(type, ctx.declaredEvents)}`, path);
  };
  s.given.forEach((g, i) => {
    event(g.type, [...base, 'given', i, 'type']);
    known(g.aggregate, [...base, 'given', i, 'aggregate']);
  });
  s.then?.forEach((e, i) => event(e.type, [...base, 'then', i, 'type']));
  s.then_upcast?.forEach((e, i) => event(e.type, [...base, 'then_upcast', i, 'type']));
  if (s.when !== undefined && s.aggregate !== undefined && aggregateOk) {
    const commands = Object.keys(getOwn(ctx.model.aggregates, s.aggregate)?.commands ?? {});
    if (!commands.includes(s.when.command)) {
      ctx.error(
        'CONFIG_REFERENCE',
        `command \`${s.when.command}\` is not declared by aggregate \`${s.aggregate}\`${didYouMean(s.when.command, commands)}`,
        [...base, 'when', 'command'],
      );
    }
  }
  const projections = Object.keys(ctx.model.projections);
  for (const p of Object.keys(s.then_rows ?? {})) {
    if (!projections.includes(p))
      ctx.error('CONFIG_REFERENCE', `projection \`${p}\` is not declared${didYouMean(p, projections)}`, [...base, 'then_rows', p], {
        key: true,
      });
  }
  const code = s.then_error?.code;
  if (code !== undefined && !Object.hasOwn(ERROR_CATALOG, code)) {
    ctx.error('CONFIG_REFERENCE', `error code \`${code}\` is not in the error catalog${didYouMean(code, Object.keys(ERROR_CATALOG))}`, [
      ...base,
      'then_error',
      'code',
    ]);
  }
  checkSagaScenario(ctx, s, base);
}

function checkSagaScenario(ctx: CheckContext, s: ScenarioConfig, base: Path): void {
  if (s.saga === undefined) return;
  const saga = getOwn(ctx.model.sagas, s.saga);
  if (saga === undefined) {
    ctx.error('CONFIG_REFERENCE', `saga \`${s.saga}\` is not declared${didYouMean(s.saga, Object.keys(ctx.model.sagas))}`, [
      ...base,
      'saga',
    ]);
    return;
  }
  const steps = saga.steps.map((step) => step.name);
  const step = (n: string, path: Path, key = false) => {
    if (!steps.includes(n)) ctx.error('CONFIG_REFERENCE', `saga \`${s.saga}\` has no step \`${n}\`${didYouMean(n, steps)}`, path, { key });
  };
  for (const key of ['outcomes', 'compensation_outcomes'] as const)
    for (const n of Object.keys(s[key] ?? {})) step(n, [...base, key, n], true);
  s.then_saga?.steps?.forEach((n, i) => step(n, [...base, 'then_saga', 'steps', i]));
  s.then_saga?.compensations?.forEach((n, i) => step(n, [...base, 'then_saga', 'compensations', i]));
}
