/**
 * The bridge from config expression sites to the expression language's checker: each site's
 * ExprSiteScope becomes the names the expression may use there (SPEC §3–§7).
 */
import { checkExpression, COMMAND_ROOTS, EVENT_ROOTS, parseExpression, type CheckScope } from '../expr/index.js';
import type { ExpressionChecker } from './checks/index.js';
import type { ExprSiteScope } from './checks/expressionSites.js';

/** What an expression at a site of this kind may name. */
export function checkScopeOf(site: ExprSiteScope): CheckScope {
  switch (site.kind) {
    case 'rule':
    case 'emit':
      // events without an apply entry merge their data into state, so the field list is a floor
      return {
        roots: COMMAND_ROOTS,
        fields: site.fields,
        unknownField: 'warning',
        fieldNoun: 'state field',
        inputs: site.inputs,
        site: site.kind === 'rule' ? 'a require rule' : 'an emit',
      };
    case 'apply':
      // no `position`: a command folds its events before they have one (src/engine/evolve.ts)
      return {
        roots: [...EVENT_ROOTS.filter((r) => r !== 'position'), 'state'],
        fields: site.fields,
        unknownField: 'warning',
        fieldNoun: 'state field',
        site: 'an apply rule',
      };
    case 'projection':
      return { roots: EVENT_ROOTS, fields: site.columns, unknownField: 'error', fieldNoun: 'column', site: 'a projection mapping' };
    case 'saga':
      return { roots: [...EVENT_ROOTS, 'saga'], site: 'a saga step' };
    case 'migration':
      return { roots: ['value', ...EVENT_ROOTS], site: 'a migration transform' };
  }
}

/** The checker `loadConfig` uses by default: parse, then check names, arity and types. */
export const defaultExpressionChecker: ExpressionChecker = (text, at, scope) => {
  const { ast, diagnostics } = parseExpression(text, at);
  return ast === undefined ? diagnostics : checkExpression(ast, checkScopeOf(scope), at);
};
