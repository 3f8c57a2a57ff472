/** `require` rules (SPEC §3): all must hold before anything is emitted, else 422. */
import { RuleViolationError } from '../errors.js';
import type { CompiledRule } from './AggregateDefinition.js';
import type { ExprScope } from './compileExpr.js';

/** Throws RULE_VIOLATION with the first failing rule's message (or its text). */
export function checkRules(rules: readonly CompiledRule[], scope: ExprScope): void {
  for (const rule of rules) {
    if (rule.holds(scope) !== true) {
      throw new RuleViolationError(rule.message ?? `rule failed: ${rule.text}`, { rule: rule.text });
    }
  }
}
