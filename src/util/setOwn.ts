/**
 * Sets an own, enumerable data property whatever the key: a plain assignment of `__proto__`
 * (a legal key in JSON, jsonb and .tsk) changes the object's prototype instead.
 */

/** `obj[key] = value`, but `__proto__` becomes an own key too. */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}
