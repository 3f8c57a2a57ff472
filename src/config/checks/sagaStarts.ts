/**
 * Every saga can be started over HTTP (`POST /sagas/{name}`) as well as by its `starts_on`
 * events, and then there is no triggering event: `metadata` is empty, `aggregate_type`,
 * `event_type`, `event_version`, `version` and `position` are null, and `aggregate_id` is the
 * body's `aggregate_id` field (null without one). A step that reads such a root works when an
 * event starts the saga and silently fails over HTTP (issue 13: the default app's saga always
 * ended compensated), so `check` warns where one is read without a COALESCE fallback. A step
 * without `target` also goes to aggregate_id, but that is every saga's idiom and fails at run
 * time with a message saying so; it is not warned about.
 */
import type { ExprNode, PathNode } from '../../expr/ast.js';
import { parseExpression } from '../../expr/index.js';
import { locate } from '../../expr/location.js';
import type { CheckContext } from './context.js';
import { expressionSites } from './expressionSites.js';

/** Roots only a triggering event gives a saga (aggregate_id: unless the HTTP body carries it). */
const EVENT_ONLY = new Set(['metadata', 'aggregate_type', 'event_type', 'event_version', 'version', 'position']);

/** Warns (CONFIG_SAGA_START) where a saga reads a root that is null when it is started over HTTP. */
export function checkSagaStarts(ctx: CheckContext): void {
  const sites = expressionSites(ctx).filter((s) => s.scope.kind === 'saga');
  for (const [name, saga] of Object.entries(ctx.model.sagas)) {
    // A saga without starts_on is only ever started over HTTP: there, aggregate_id is how the body names its aggregate.
    const triggered = saga.starts_on !== undefined;
    const eventOnly = (root: string) => EVENT_ONLY.has(root) || (triggered && root === 'aggregate_id');
    for (const site of sites.filter((s) => s.path[1] === name)) {
      const { ast } = parseExpression(site.text);
      if (ast === undefined) continue; // the expression checker reports it
      for (const read of unguardedReads(ast, eventOnly)) {
        ctx.warn('CONFIG_SAGA_START', message(name, read.name), site.path, { location: locate(site.text, read, ctx.contentAt(site.path)) });
      }
    }
  }
}

function message(saga: string, root: string): string {
  const why = root === 'aggregate_id' ? 'without `aggregate_id` in the body' : '(only a triggering event has it)';
  return `\`${root}\` is null when the saga is started over HTTP (POST /sagas/${saga}) ${why}; give a fallback, e.g. "COALESCE(${root === 'metadata' ? 'metadata.x' : root}, data.<field>)"`;
}

/** The reads of event-only roots in `node` that no COALESCE gives a fallback for. */
function unguardedReads(node: ExprNode, eventOnly: (root: string) => boolean): PathNode[] {
  const sub = (n: ExprNode) => unguardedReads(n, eventOnly);
  switch (node.kind) {
    case 'literal':
      return [];
    case 'path':
      return eventOnly(node.name) ? [node] : [];
    case 'array':
      return node.items.flatMap(sub);
    case 'unary':
    case 'isNull':
      return sub(node.operand);
    case 'binary':
      return [...sub(node.left), ...sub(node.right)];
    case 'in':
      return [...sub(node.operand), ...node.list.flatMap(sub)];
    case 'call': {
      const reads = node.args.map(sub);
      if (node.name !== 'COALESCE') return reads.flat();
      // An argument is covered when a later one reads nothing event-only: over HTTP that one answers.
      return reads.flatMap((r, i) => (reads.slice(i + 1).some((later) => later.length === 0) ? [] : r));
    }
  }
}
