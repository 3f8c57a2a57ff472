/**
 * `split_name_to_first_last` (seed 000's UserCreated v1→v2): a full-name field becomes two
 * fields, and the original field goes. `name` → `first_name` + `last_name`; a field ending in
 * `name` keeps its prefix (`customer_name` → `customer_first_name` + `customer_last_name`);
 * any other field `x` → `x_first` + `x_last`.
 */
import { setField, type EventData } from './jsonFields.js';

/** The two field names `field` splits into. */
export function splitNameFields(field: string): [first: string, last: string] {
  if (field.endsWith('name')) {
    const prefix = field.slice(0, -'name'.length);
    return [`${prefix}first_name`, `${prefix}last_name`];
  }
  return [`${field}_first`, `${field}_last`];
}

/**
 * Splits at the first run of whitespace: "Ada King Lovelace" → "Ada" + "King Lovelace" (a
 * given name rarely has a space, a family name often does). One word → last is null; a
 * value that is not a string → both null.
 */
export function splitName(value: unknown): [first: string | null, last: string | null] {
  if (typeof value !== 'string') return [null, null];
  const text = value.trim();
  if (text === '') return [null, null];
  const m = /^(\S+)\s+([\s\S]+)$/.exec(text);
  return m ? [m[1]!, m[2]!] : [text, null];
}

/** Rewrites `field` of `out` (present) into its two name fields. */
export function splitNameTransform(out: EventData, field: string): void {
  const [firstField, lastField] = splitNameFields(field);
  const [first, last] = splitName(out[field]);
  delete out[field];
  setField(out, firstField, first);
  setField(out, lastField, last);
}
