/** The Redis key of one cached aggregate state. */

/**
 * `<prefix>state:<store id>:<config hash>:<type>:<id>`, type and id URI-encoded so that a `:`
 * inside them cannot make two aggregates share a key. The store id keeps two stores apart
 * when they share one Redis; the config hash keeps states of an older `apply` apart.
 */
export function stateKey(prefix: string, storeId: string, type: string, id: string, configHash: string): string {
  return `${stateKeyPrefix(prefix, storeId)}${configHash}:${encodeURIComponent(type)}:${encodeURIComponent(id)}`;
}

/** What every state key of one store starts with. */
export function stateKeyPrefix(prefix: string, storeId: string): string {
  return `${prefix}state:${storeId}:`;
}

/**
 * A SCAN pattern of the keys of every config hash of aggregate `type` (undefined: any) whose id
 * is `id`, or starts with it (`idPrefix`). Only the hash (and the type, when undefined) are
 * wildcards: the prefix, type and id match as written, whatever glob characters they hold.
 */
export function stateKeyPattern(prefix: string, storeId: string, type: string | undefined, id: string, idPrefix: boolean): string {
  const typePart = type === undefined ? '*' : globLiteral(encodeURIComponent(type));
  return `${globLiteral(stateKeyPrefix(prefix, storeId))}*:${typePart}:${globLiteral(encodeURIComponent(id))}${idPrefix ? '*' : ''}`;
}

/** `text` as a Redis glob pattern that matches only itself. */
function globLiteral(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
