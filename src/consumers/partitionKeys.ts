/**
 * Names of a consumer's partitions: each has a checkpoint and a lease of that name. A consumer
 * with one partition keeps its plain name (`projection:orders`), so databases written before
 * partitions existed go on as they are; partition `i` of `N > 1` is `projection:orders#i/N`.
 * The count is part of the name: two layouts of one consumer never share a checkpoint.
 */

/** The checkpoint and lease name of partition `index` of `count` of consumer `name`. */
export function partitionKey(name: string, index: number, count: number): string {
  return count <= 1 ? name : `${name}#${index}/${count}`;
}

/** The names of every partition of consumer `name` with `count` partitions. */
export function partitionKeys(name: string, count: number): string[] {
  return Array.from({ length: Math.max(1, count) }, (_, i) => partitionKey(name, i, count));
}

/**
 * The checkpoint row that records how many partitions consumer `name` runs with (absent: 1),
 * and whose lock orders every change of that layout (a change of N, a rebuild's swap).
 */
export function layoutKey(name: string): string {
  return `${name}#partitions`;
}
