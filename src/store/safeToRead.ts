/**
 * The one "safe to read" rule of the log: an event is readable by a follower only once every
 * transaction older than its own has ended. Positions are taken in commit order under the
 * append lock, but a reader's snapshot may still miss a transaction that commits late; below
 * the oldest transaction in flight (xmin) no event can appear any more, so a follower that
 * moves its checkpoint over what it read never skips one. Everything that reads the tail of
 * the log (readAll, headPosition, the in-database rebuild) uses this condition.
 */

/** The SQL condition on an events row (`alias.` prefixed when given) that makes it safe to read. */
export function safeToRead(alias?: string): string {
  return `${alias === undefined ? '' : `${alias}.`}tx_id < pg_snapshot_xmin(pg_current_snapshot())`;
}
