/**
 * One transaction of projection work that merges upserts into multi-row statements. Merging
 * upserts relies on telling their keys apart in TypeScript (keyText.ts); should two of them
 * still reach one row, PostgreSQL refuses the statement (SQLSTATE 21000) and the work runs
 * again with inserts merged only, so the outcome never depends on that guess.
 */
import type { EventStore, SqlExecutor } from '../../store/EventStore.js';
import { sqlState } from '../../store/SqlClient.js';
import type { MergeMode } from './applyEvents.js';

/** Runs `work` in one transaction of `store`, first with every merge, then (on 21000) without merged upserts. */
export function applyInTransaction<T>(store: EventStore, work: (tx: SqlExecutor, merge: MergeMode) => Promise<T>): Promise<T> {
  return withMergeFallback((merge) => store.transaction((tx) => work(tx, merge)));
}

/** Runs `attempt` (one transaction) with every merge, then (on 21000) again without merged upserts. */
export async function withMergeFallback<T>(attempt: (merge: MergeMode) => Promise<T>): Promise<T> {
  try {
    return await attempt('all');
  } catch (err) {
    if (!isCardinalityViolation(err)) throw err;
    return attempt('inserts');
  }
}

function isCardinalityViolation(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (sqlState(e) === '21000') return true;
  }
  return false;
}
