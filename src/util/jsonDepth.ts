/**
 * How deep a parsed JSON value nests, asked with a loop: JSON.parse takes any depth, but
 * JSON.stringify, structuredClone and every recursive walk of ours throw RangeError a few
 * thousand levels down, so a value from outside is measured before it is kept.
 */

/** Whether `value` nests arrays and objects more than `max` levels deep (`[]` is one level). */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    if (top.value === null || typeof top.value !== 'object') continue;
    const depth = top.depth + 1;
    if (depth > max) return true;
    for (const child of Array.isArray(top.value) ? top.value : Object.values(top.value)) stack.push({ value: child, depth });
  }
  return false;
}
