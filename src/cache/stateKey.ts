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
