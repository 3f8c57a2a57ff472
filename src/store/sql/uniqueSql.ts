/**
 * How a claimed `unique` value is keyed in the uniques table (store migration 5): by the
 * sha256 of its UTF-8 text, since a btree key cannot hold a long value. Lookups match the
 * digest (the index) and the value itself, so a claim stays exact.
 */

/** The SQL digest of the text expression `value`. */
export const UNIQUE_DIGEST = (value: string): string => `sha256(convert_to(${value}, 'UTF8'))`;

/** Matches row `u` of the uniques table with `k(t, f, v)`: (stream type, field, value). */
export const UNIQUE_MATCH = `u.stream_type = k.t AND u.field = k.f AND u.digest = ${UNIQUE_DIGEST('k.v')} AND u.value = k.v`;
