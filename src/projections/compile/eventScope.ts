/**
 * What a projection's expressions see of an event (SPEC §4): the event roots as `apply`
 * sees them, and NOW() = the event's time, so replaying an event always writes the same row.
 */
import { EVENT_ROOTS, type EvalScope, type ExprNode, type PathNode } from '../../expr/index.js';
import type { StoredEvent } from '../../store/EventStore.js';
import { formatIso } from '../../util/isoTimestamp.js';

/** The scope of `event` (already upcast). */
export function eventScope(event: StoredEvent): EvalScope {
  return {
    roots: {
      data: event.data,
      metadata: event.metadata,
      // the same text as toISOString; a batch's events share their second, so cheaper (per event and projection)
      timestamp: formatIso(event.timestamp),
      version: event.version,
      position: event.position,
      event_type: event.type,
      event_version: event.eventVersion,
      aggregate_id: event.streamId,
      aggregate_type: event.streamType,
    },
    fields: {},
    now: event.timestamp,
  };
}

/** A path expression written by the runtime (`aggregate_id`, `data.total`). */
export function pathExpr(name: string, field?: string): PathNode {
  return { kind: 'path', name, segments: field === undefined ? [] : [{ kind: 'field', name: field }], start: 0, end: 0 };
}

/** `left = right`. */
export function equalsExpr(left: ExprNode, right: ExprNode): ExprNode {
  return { kind: 'binary', op: '=', left, right, opSpan: { start: 0, end: 0 }, start: 0, end: 0 };
}

/** Event roots a projection expression can name; every other first name is a column. */
const ROOTS: ReadonlySet<string> = new Set(EVENT_ROOTS);

/** True when `node` reads a column of the row (a bare name). */
export function readsColumns(node: ExprNode): boolean {
  switch (node.kind) {
    case 'path':
      return !ROOTS.has(node.name);
    case 'literal':
      return false;
    case 'array':
      return node.items.some(readsColumns);
    case 'unary':
    case 'isNull':
      return readsColumns(node.operand);
    case 'binary':
      return readsColumns(node.left) || readsColumns(node.right);
    case 'in':
      return readsColumns(node.operand) || node.list.some(readsColumns);
    case 'call':
      return node.args.some(readsColumns);
  }
}
