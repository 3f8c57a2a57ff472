/**
 * Which parts of an event an aggregate's fold reads. Most `apply` blocks read only `data`;
 * their loads can then skip decoding ids, positions, metadata and timestamps (issue 8,
 * bench `load_10k`), which is most of what a load costs.
 */
import type { ExprNode } from '../expr/index.js';
import { parseExpression } from '../expr/index.js';

/** Event roots a data-only read (FoldEvent) does not carry. */
const EVENT_ONLY_ROOTS = new Set(['metadata', 'timestamp']);

/** The first names of every path in `node` (and `timestamp` for NOW()). */
function pathNames(node: ExprNode, out: Set<string>): Set<string> {
  switch (node.kind) {
    case 'literal':
      break;
    case 'path':
      out.add(node.name);
      break;
    case 'array':
      for (const item of node.items) pathNames(item, out);
      break;
    case 'unary':
    case 'isNull':
      pathNames(node.operand, out);
      break;
    case 'binary':
      pathNames(node.left, out);
      pathNames(node.right, out);
      break;
    case 'in':
      pathNames(node.operand, out);
      for (const item of node.list) pathNames(item, out);
      break;
    case 'call':
      // NOW() in a fold is the event's time (evolve passes it as `now`).
      if (node.name === 'NOW') out.add('timestamp');
      for (const arg of node.args) pathNames(arg, out);
      break;
  }
  return out;
}

/**
 * True when no `apply` expression names metadata or timestamp (or calls NOW()), so the fold needs
 * only what FoldEvent carries. An expression that does not parse counts as reading everything.
 */
export function applyReadsDataOnly(apply: Readonly<Record<string, Readonly<Record<string, string>>>>): boolean {
  for (const fields of Object.values(apply)) {
    for (const text of Object.values(fields)) {
      const { ast } = parseExpression(text);
      if (ast === undefined) return false;
      for (const name of pathNames(ast, new Set())) if (EVENT_ONLY_ROOTS.has(name)) return false;
    }
  }
  return true;
}
