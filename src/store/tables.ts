/** The names of the store's tables, from the configured schema and table prefix, quoted once. */
import type { StoreTables } from './EventStore.js';
import { qualify } from './quoteIdent.js';

/** Builds the quoted, qualified table names for `schema` and `prefix`. */
export function storeTables(schema: string, prefix: string): StoreTables {
  const table = (name: string) => qualify(schema, `${prefix}${name}`);
  return {
    schema,
    prefix,
    events: table('events'),
    snapshots: table('snapshots'),
    idempotency: table('idempotency'),
    uniques: table('uniques'),
    checkpoints: table('checkpoints'),
    leases: table('leases'),
    table,
  };
}

/**
 * The tables under the default schema and prefix (the config's defaults): the embedded store's
 * template already holds them (see dataDirTemplate).
 */
export function defaultStoreTables(): StoreTables {
  return storeTables('public', '');
}
