/**
 * An inline projection's writes for an append batch as statements of the batch's own statement
 * (AppendFold, issue 21): the batch is then one statement and one commit, its rows written
 * with its events. One statement sees one snapshot, so this takes only writes whose order
 * cannot matter: per table, ONE multi-row insert or upsert (every write of one shape, no two
 * upserts of one row) that reads no current row; and none may need the event's position,
 * which the batch has not drawn yet. Anything else is applied by the hook in a transaction.
 */
import type { FoldContext, StoredEvent } from '../../store/EventStore.js';
import type { CompiledProjection } from '../compile/compileProjection.js';
import { forEachWrite, sameShape } from './applyEvents.js';
import type { PlannedWrite } from './PlannedWrite.js';
import { mergedValues, mergedWriteSql, valueRows, type TableRef } from './writeSql.js';

interface TableWrites {
  writes: PlannedWrite[];
  keys: Set<string>;
}

/** The statements that write `events` (already upcast) into `tables`, or undefined when they cannot be folded. */
export function foldWrites(
  projection: CompiledProjection,
  tables: readonly TableRef[],
  events: readonly StoredEvent[],
  sql: FoldContext,
): string[] | undefined {
  const byTable = new Map<number, TableWrites>();
  const foldable = forEachWrite(projection, events, (_event, write) => {
    if (!write.mergeable || readsPosition(write)) return false;
    const group = byTable.get(write.target);
    if (group === undefined) {
      byTable.set(write.target, { writes: [write], keys: new Set(write.key === undefined ? [] : [write.key]) });
      return true;
    }
    if (!sameShape(group.writes[0]!, write) || (write.key !== undefined && group.keys.has(write.key))) return false;
    group.writes.push(write);
    if (write.key !== undefined) group.keys.add(write.key);
    return true;
  });
  if (!foldable) return undefined;
  const out: string[] = [];
  for (const [target, { writes }] of byTable) {
    // A statement of its own may fail on a key already there (FoldContext.alone): the batch is
    // then written again in a transaction, where the hook's inserts skip such rows.
    const source = { ...valueRows(sql.param(mergedValues(writes)), sql.rows, sql.filter), failOnConflict: sql.alone };
    const statement = mergedWriteSql(tables[target]!, writes[0]!, source);
    if (statement === undefined) return undefined;
    out.push(statement);
  }
  return out;
}

function readsPosition(write: PlannedWrite): boolean {
  return write.fragments.some((f) => f.reads.some((r) => r.root === 'position'));
}
