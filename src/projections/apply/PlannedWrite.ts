/**
 * One event's write to one table, as SQL pieces built from compiled expression fragments
 * (placeholders $1… bound to `values`). The table is named only when the statement is made,
 * so the same write goes to the live table (inline, async) or to a rebuild's fresh table.
 */

import type { SqlFragment } from '../../expr/index.js';

/** What a write does to its table. */
export type WriteAction = 'insert' | 'upsert' | 'update' | 'delete';

export interface PlannedWrite {
  /** Index of the target table: 0 the main table, 1… the joins in order. */
  target: number;
  action: WriteAction;
  /** Quoted columns: the insert list (insert, upsert) or the SET targets (update). */
  columns: string[];
  /** One SQL value per column, already converted to the column's type. */
  exprs: string[];
  /** update/delete: the row filter; insert/upsert: the `when` condition. */
  where?: string | undefined;
  /** upsert whose expressions read the current row: the key value that finds it. */
  rowKey?: string | undefined;
  values: unknown[];
  /**
   * The fragments `values` came from, in placeholder order: their `origins` say where each
   * value comes from, their `reads` the event values the SQL text was built for (writes of one
   * mapping with equal reads have equal SQL). Kept as they are, so planning an event costs no
   * more for the rebuild that reads them (replayInDatabase.ts).
   */
  fragments: SqlFragment[];
  /** Writes of one shape (equal but for their values) may share one multi-row statement (see writeSql.ts). */
  mergeable: boolean;
  /** upsert: the row's key, so two writes of one row never share a statement. */
  key?: string | undefined;
}
