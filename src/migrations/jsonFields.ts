/**
 * Writing fields of event data objects the upcaster owns. Data comes from jsonb, so a key may
 * be anything, `__proto__` included: a plain assignment of that key would change the
 * object's prototype instead of adding a field.
 */
import { setOwn } from '../util/setOwn.js';

/** Event data as migrations see it: a JSON object. */
export type EventData = Record<string, unknown>;

/** Sets own field `key` of `obj` (safe for every key). */
export function setField(obj: EventData, key: string, value: unknown): void {
  setOwn(obj, key, value);
}

/** True when `obj` has its own field `key` (never the prototype's). */
export function hasField(obj: EventData, key: string): boolean {
  return Object.hasOwn(obj, key);
}

/** True for a JSON object (not null, not an array). */
export function isObject(value: unknown): value is EventData {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A function giving a fresh copy of `value` per call, so no two upcast events share a
 * mutable default; primitives are returned as they are.
 */
export function freshValue(value: unknown): () => unknown {
  if (value === null || typeof value !== 'object') return () => value;
  const frozen = structuredClone(value);
  return () => structuredClone(frozen);
}
