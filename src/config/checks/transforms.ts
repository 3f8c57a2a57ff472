/**
 * The built-in field transforms of event migrations (SPEC §6). src/migrations/builtinTransforms.ts
 * implements each (its type fails to compile if one is missing); `check` accepts exactly these names.
 */
export const BUILTIN_TRANSFORMS = [
  'split_name_to_first_last',
  'normalize_order_items',
  'to_lower',
  'to_upper',
  'to_number',
  'to_string',
  'trim',
  'to_boolean',
  'to_array',
  'to_timestamp',
] as const;

export type BuiltinTransform = (typeof BUILTIN_TRANSFORMS)[number];

/** True for a built-in transform name. */
export function isBuiltinTransform(name: string): name is BuiltinTransform {
  return (BUILTIN_TRANSFORMS as readonly string[]).includes(name);
}

// Lower-case words that are whole expressions: the roots a transform sees and the literals.
const EXPRESSION_WORDS = new Set(['value', 'data', 'true', 'false', 'null']);

/** True when a transform string looks like a (misspelt) transform name rather than an expression. */
export function looksLikeTransformName(text: string): boolean {
  return /^[a-z_][a-z0-9_]*$/.test(text) && !EXPRESSION_WORDS.has(text);
}
