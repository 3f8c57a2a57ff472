/**
 * Every expression is parsed and checked by the expression language (src/expr), located
 * at the first character inside its quotes so its diagnostics land on the exact column.
 */
import type { Diagnostic, SourceLocation } from '../../diagnostics.js';
import type { CheckContext } from './context.js';
import { expressionSites, type ExprSiteScope } from './expressionSites.js';

/** Checks one expression written at `at`; returns its located diagnostics. */
export type ExpressionChecker = (text: string, at: SourceLocation | undefined, scope: ExprSiteScope) => Diagnostic[];

/** Runs `checker` over every expression site of the model. */
export function checkExpressions(ctx: CheckContext, checker: ExpressionChecker | undefined): void {
  if (!checker) return;
  for (const site of expressionSites(ctx)) {
    for (const d of checker(site.text, ctx.contentAt(site.path), site.scope)) {
      ctx.diagnostics.push({ ...d, message: `${ctx.where(site.path)}: ${d.message}`, path: [...ctx.tree.originOf(site.path)] });
    }
  }
}
