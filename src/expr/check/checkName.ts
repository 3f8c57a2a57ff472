/**
 * Name checks for one path: a root of the scope, a declared input, or a known state field /
 * row column. Payload sub-paths (`data.*`, `metadata.*`) are never checked: payloads are open.
 */
import { didYouMean } from '../../config/didYouMean.js';
import { error, warning, type Diagnostic, type SourceLocation } from '../../diagnostics.js';
import type { PathNode } from '../ast.js';
import { ALL_ROOTS, type CheckScope } from './CheckScope.js';

/** Diagnostics for the names `node` uses; `at` locates the node. */
export function checkName(node: PathNode, scope: CheckScope, at: SourceLocation): Diagnostic[] {
  const { name, segments } = node;
  const first = segments[0];
  if (scope.roots.includes(name)) {
    if (first?.kind !== 'field') return [];
    if (name === 'input' && scope.inputs !== undefined && !scope.inputs.includes(first.name)) {
      const declared = scope.inputs.length === 0 ? 'the command declares no input' : `declared: ${scope.inputs.join(', ')}`;
      return [
        error('EXPR_UNKNOWN_NAME', `input.${first.name} is not a declared input (${declared})${didYouMean(first.name, scope.inputs)}`, at),
      ];
    }
    if (name === 'state' && scope.fields !== undefined && !scope.fields.includes(first.name))
      return unknownField(`state.${first.name}`, first.name, scope, at);
    return [];
  }
  if (scope.fields === undefined) {
    const site = scope.site ?? 'this expression';
    return [
      error('EXPR_UNKNOWN_NAME', `unknown name '${name}': ${site} can use ${scope.roots.join(', ')}${didYouMean(name, scope.roots)}`, at),
    ];
  }
  if (scope.fields.includes(name)) return [];
  return unknownField(name, name, scope, at);
}

function unknownField(shown: string, name: string, scope: CheckScope, at: SourceLocation): Diagnostic[] {
  const noun = scope.fieldNoun ?? 'field';
  const fields = scope.fields ?? [];
  const elsewhere = ALL_ROOTS.includes(name)
    ? ` ('${name}' is not available in ${scope.site ?? 'this expression'}; it can use ${scope.roots.join(', ')})`
    : '';
  const hint = elsewhere || didYouMean(name, [...fields, ...scope.roots]);
  const message = `unknown ${noun} '${shown}'${hint}`;
  return [scope.unknownField === 'warning' ? warning('EXPR_UNKNOWN_NAME', message, at) : error('EXPR_UNKNOWN_NAME', message, at)];
}
