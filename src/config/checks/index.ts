/** Cross-checks: the references between blocks that the schema alone cannot see. */
import type { Diagnostic } from '../../diagnostics.js';
import type { CanonicalTree } from '../aliases/CanonicalTree.js';
import type { AppConfig } from '../schema/app.js';
import { checkArchive } from './archive.js';
import { checkRetention } from './retention.js';
import { checkCommands } from './commands.js';
import { CheckContext } from './context.js';
import { checkEvents } from './events.js';
import { checkExpressions, type ExpressionChecker } from './expressions.js';
import { checkMigrations } from './migrations.js';
import { partialModel } from './partialModel.js';
import { checkPartitions } from './partitions.js';
import { checkPersonalData } from './personalData.js';
import { checkProjections } from './projections.js';
import { checkSagaStarts } from './sagaStarts.js';
import { checkSagas } from './sagas.js';
import { checkSubscribers } from './subscribers.js';
import { checkTenancy } from './tenancy.js';
import { checkTests } from './tests.js';

export { BUILTIN_TRANSFORMS, isBuiltinTransform } from './transforms.js';
export type { ExpressionChecker } from './expressions.js';
export type { ExprSiteScope } from './expressionSites.js';

/** Runs every cross-check over the model (or the entries that validated) and returns their diagnostics. */
export function crossCheck(tree: CanonicalTree, model: AppConfig | undefined, checker?: ExpressionChecker): Diagnostic[] {
  const ctx = new CheckContext(partialModel(tree.value, model), tree);
  checkEvents(ctx);
  checkCommands(ctx);
  checkProjections(ctx);
  checkPartitions(ctx);
  checkMigrations(ctx);
  checkSagas(ctx);
  checkSagaStarts(ctx);
  checkSubscribers(ctx);
  checkTests(ctx);
  checkPersonalData(ctx);
  checkArchive(ctx);
  checkTenancy(ctx);
  checkRetention(ctx);
  checkExpressions(ctx, checker);
  return ctx.diagnostics;
}
