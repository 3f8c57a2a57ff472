/**
 * The function catalog (SPEC §4): argument counts and the kinds each argument accepts, for
 * the checker. The evaluator (evaluate/builtins.ts) and the SQL compiler (sql/sqlFunctions.ts)
 * implement exactly these names; a test keeps the three lists equal.
 */

/** What the checker knows about a value before it runs. */
export type StaticType = 'number' | 'string' | 'boolean' | 'array' | 'object' | 'null' | 'any';

export interface FunctionSpec {
  min: number;
  max: number;
  /** Accepted kinds per argument position; the last entry applies to any further arguments. */
  params: readonly (readonly StaticType[])[];
  /** The result type, or 'common' for the type all non-null arguments share. */
  returns: StaticType | 'common';
  /** One line for messages and docs. */
  signature: string;
}

const ANY: readonly StaticType[] = ['any'];
const TEXT: readonly StaticType[] = ['string'];
const NUM: readonly StaticType[] = ['number'];
const ARRAY: readonly StaticType[] = ['array'];
const SCALAR: readonly StaticType[] = ['number', 'string', 'boolean'];

/** Every function of the language, by upper-case name. */
export const FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  COALESCE: { min: 1, max: Infinity, params: [ANY], returns: 'common', signature: 'COALESCE(value, …)' },
  CONCAT: { min: 1, max: Infinity, params: [SCALAR], returns: 'string', signature: 'CONCAT(value, …)' },
  LOWER: { min: 1, max: 1, params: [TEXT], returns: 'string', signature: 'LOWER(text)' },
  UPPER: { min: 1, max: 1, params: [TEXT], returns: 'string', signature: 'UPPER(text)' },
  TRIM: { min: 1, max: 1, params: [TEXT], returns: 'string', signature: 'TRIM(text)' },
  LENGTH: { min: 1, max: 1, params: [['string', 'array']], returns: 'number', signature: 'LENGTH(text_or_array)' },
  ROUND: { min: 1, max: 2, params: [NUM, NUM], returns: 'number', signature: 'ROUND(number[, places])' },
  FLOOR: { min: 1, max: 1, params: [NUM], returns: 'number', signature: 'FLOOR(number)' },
  CEIL: { min: 1, max: 1, params: [NUM], returns: 'number', signature: 'CEIL(number)' },
  ABS: { min: 1, max: 1, params: [NUM], returns: 'number', signature: 'ABS(number)' },
  GREATEST: { min: 1, max: Infinity, params: [SCALAR], returns: 'common', signature: 'GREATEST(value, …)' },
  LEAST: { min: 1, max: Infinity, params: [SCALAR], returns: 'common', signature: 'LEAST(value, …)' },
  NOW: { min: 0, max: 0, params: [], returns: 'string', signature: 'NOW()' },
  APPEND: { min: 2, max: 2, params: [ARRAY, ANY], returns: 'array', signature: 'APPEND(array, value)' },
  REMOVE: { min: 2, max: 2, params: [ARRAY, ANY], returns: 'array', signature: 'REMOVE(array, value)' },
  SUM: { min: 1, max: 2, params: [ARRAY, TEXT], returns: 'number', signature: "SUM(array[, 'field'])" },
  COUNT: { min: 1, max: 1, params: [ARRAY], returns: 'number', signature: 'COUNT(array)' },
  CONTAINS: { min: 2, max: 2, params: [['string', 'array'], ANY], returns: 'boolean', signature: 'CONTAINS(text_or_array, value)' },
  SPLIT_PART: { min: 3, max: 3, params: [TEXT, TEXT, NUM], returns: 'string', signature: 'SPLIT_PART(text, delimiter, n)' },
};

/** The kinds argument `i` of `spec` accepts. */
export function paramKinds(spec: FunctionSpec, i: number): readonly StaticType[] {
  return spec.params[Math.min(i, spec.params.length - 1)] ?? ANY;
}
