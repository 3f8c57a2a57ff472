/**
 * The implementation of every built-in transform `check` accepts (the names live in
 * src/config/checks/transforms.ts). The mapped type makes a name without an implementation
 * a compile error, so the two lists cannot drift apart.
 */
import type { BuiltinTransform } from '../config/checks/transforms.js';
import { setField, type EventData } from './jsonFields.js';
import { normalizeOrderItems } from './normalizeOrderItems.js';
import { splitNameTransform } from './splitName.js';
import { toArray, toBoolean, toLower, toNumber, toString, toTimestamp, toUpper, trim, type ValueTransform } from './valueTransforms.js';

/** Rewrites field `field` of `out`, which is present; may write other fields too. */
export type FieldTransform = (out: EventData, field: string) => void;

const onValue =
  (fn: ValueTransform): FieldTransform =>
  (out, field) =>
    setField(out, field, fn(out[field]));

/** Built-in transform name → implementation. */
export const BUILTIN_IMPLEMENTATIONS: { readonly [K in BuiltinTransform]: FieldTransform } = {
  split_name_to_first_last: splitNameTransform,
  normalize_order_items: onValue(normalizeOrderItems),
  to_lower: onValue(toLower),
  to_upper: onValue(toUpper),
  to_number: onValue(toNumber),
  to_string: onValue(toString),
  trim: onValue(trim),
  to_boolean: onValue(toBoolean),
  to_array: onValue(toArray),
  to_timestamp: onValue(toTimestamp),
};
