/**
 * Own-property access whatever the key. A plain assignment of `__proto__` (a legal key in JSON,
 * jsonb and .tsk) changes the object's prototype instead, and a plain read of a name from a file
 * or a request (`constructor`, `toString`, `__proto__`) finds Object.prototype's members.
 */

/** `obj[key] = value`, but `__proto__` becomes an own key too. */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** `obj[key]` when `key` is an own property of `obj`, else undefined (never an inherited member). */
export function getOwn<T>(obj: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}
