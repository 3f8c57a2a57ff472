/**
 * The one partition function of tusk-es: a stream's partition is a hash of its aggregate type
 * and id, modulo the partition count, so every event of a stream lands in the same partition
 * and a consumer that runs its partitions apart still sees each stream in order. Only SQL
 * computes it (PostgreSQL's `hashtextextended`, the same on the server and on PGlite), so it
 * cannot differ between two places.
 */

/**
 * The SQL condition that an events row (`alias.` prefixed when given) is in partition
 * `$index` of `$count` (both bound by the caller: `countParam`, `indexParam` are `$n` names).
 */
export function inPartition(countParam: string, indexParam: string, alias?: string): string {
  const col = (c: string) => (alias === undefined ? c : `${alias}.${c}`);
  // hashtextextended is signed: shift the remainder into 0 … count-1.
  return `((hashtextextended(${col('stream_type')} || '/' || ${col('stream_id')}, 0) % ${countParam}) + ${countParam}) % ${countParam} = ${indexParam}`;
}
