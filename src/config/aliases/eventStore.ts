/**
 * The event store as the seeds write it: `provider` for `type`, `"database"`/`"postgres"`
 * for `"postgresql"`, and seed 002's `[event_store]` section whose host/port/… are the
 * connection itself.
 */
import type { Path } from '../../tsk/document.js';
import { isPlainObject } from '../paths.js';
import type { CanonicalTree } from './CanonicalTree.js';
import { putPartitioning, putStoreRetention } from './storage.js';

const CONNECTION_KEYS = new Set(['host', 'port', 'database', 'username', 'password']);
const TYPE_ALIASES: Record<string, string> = { database: 'postgresql', postgres: 'postgresql', pg: 'postgresql', pglite: 'embedded' };

/** The canonical store type of a seed spelling ("database" → "postgresql"). */
export function storeType(v: unknown): unknown {
  return typeof v === 'string' ? (TYPE_ALIASES[v.toLowerCase()] ?? v.toLowerCase()) : v;
}

/** Puts an event store block written at `from` into `event_store`. */
export function putEventStore(tree: CanonicalTree, value: unknown, from: Path): void {
  if (!isPlainObject(value)) {
    tree.put(['event_store'], value, from);
    return;
  }
  tree.claim(['event_store'], from);
  let sectionConnection = false;
  for (const [key, v] of Object.entries(value)) {
    const at = [...from, key];
    if (key === 'type' || key === 'provider') {
      tree.put(['event_store', 'type'], storeType(v), at);
    } else if (CONNECTION_KEYS.has(key)) {
      sectionConnection = true;
      tree.put(['event_store', 'connection', key], v, at);
    } else if (key === 'connection_pool') {
      tree.put(['event_store', 'pool_size'], v, at);
    } else if (key === 'partitioning') {
      putPartitioning(tree, v, at);
    } else if (key === 'retention') {
      putStoreRetention(tree, v, at);
    } else {
      tree.put(['event_store', key], v, at);
    }
  }
  // host/port/… written directly in the block only make sense for PostgreSQL
  if (sectionConnection && !('type' in value) && !('provider' in value)) tree.put(['event_store', 'type'], 'postgresql', from);
}
