/**
 * Seed 004's tiered storage and archival, in the canonical keys (issue 16 item 3):
 * `storage_tiers = { hot, warm, archive }` and `EventArchival::archiveOldEvents($retentionDays = 365)`.
 * - hot (Redis, `ttl` in seconds) is the `cache` block;
 * - warm (the SQL event table) is the event store itself: a PostgreSQL driver sets its type,
 *   MySQL and the Laravel connection and table names have no meaning here (warnings);
 * - archive is `event_store.archive`: `retention_days` → `after`, a files driver → `storage =
 *   "files"` with `path` → `dir`, a database driver → the archive partition;
 * - `event_archival = { retention_days = 365 }` (or `true`) archives streams after that many days.
 */
import type { Path } from '../../tsk/document.js';
import { didYouMean } from '../didYouMean.js';
import { isPlainObject } from '../paths.js';
import type { CanonicalTree } from './CanonicalTree.js';

const FILE_DRIVERS = new Set(['files', 'file', 'filesystem', 'local', 'disk']);
const DATABASE_DRIVERS = new Set(['partition', 'database', 'pgsql', 'postgresql', 'postgres', 'mysql']);
const ARCHIVE = ['event_store', 'archive'];

/** `storage_tiers = { hot, warm, archive }`. */
export function putStorageTiers(tree: CanonicalTree, value: unknown, from: Path): void {
  if (!isPlainObject(value)) return tree.errorAt('CONFIG_INVALID', 'expected an object of tiers: { hot, warm, archive }', from);
  for (const [tier, v] of Object.entries(value)) {
    const at = [...from, tier];
    if (!isPlainObject(v)) tree.errorAt('CONFIG_INVALID', `expected an object (the ${tier} tier's settings)`, at);
    else if (tier === 'hot') putHot(tree, v, at);
    else if (tier === 'warm') putWarm(tree, v, at);
    else if (tier === 'archive' || tier === 'cold') putArchiveTier(tree, v, at);
    else tree.errorAt('CONFIG_UNKNOWN_KEY', `unknown tier${didYouMean(tier, ['hot', 'warm', 'archive'])}`, at);
  }
}

/** `event_archival = { retention_days = 365 }`, or `true` for the seed's default of 365 days. */
export function putEventArchival(tree: CanonicalTree, value: unknown, from: Path): void {
  if (value === true) return tree.put([...ARCHIVE, 'after'], '365 days', from);
  if (value === false) return;
  if (!isPlainObject(value)) return tree.errorAt('CONFIG_INVALID', 'expected { retention_days = 365 } or true', from);
  putArchiveTier(tree, { retention_days: 365, ...value }, from);
}

function putHot(tree: CanonicalTree, hot: Record<string, unknown>, from: Path): void {
  tree.claim(['cache'], from);
  for (const [key, v] of Object.entries(hot)) {
    const at = [...from, key];
    if (key === 'driver') tree.put(['cache', 'type'], v, at);
    // the seed's TTLs are seconds (86400 // 24 hours)
    else if (key === 'ttl') tree.put(['cache', 'ttl'], typeof v === 'number' ? `${v} seconds` : v, at);
    else tree.put(['cache', key], v, at);
  }
}

function putWarm(tree: CanonicalTree, warm: Record<string, unknown>, from: Path): void {
  for (const [key, v] of Object.entries(warm)) {
    const at = [...from, key];
    if (key === 'driver' && typeof v === 'string' && DATABASE_DRIVERS.has(v) && v !== 'mysql')
      tree.put(['event_store', 'type'], 'postgresql', at);
    else if (key === 'driver')
      tree.warnAt('CONFIG_IGNORED', 'ignored: the warm tier is the event store, PostgreSQL or embedded PGlite (event_store.type)', at);
    else if (key === 'connection' && typeof v === 'string' && /^postgres(ql)?:\/\//.test(v)) tree.put(['event_store', 'connection'], v, at);
    else if (key === 'connection')
      tree.warnAt('CONFIG_IGNORED', 'ignored: a named connection; set event_store.connection to a PostgreSQL URL', at);
    else if (key === 'table' || key === 'snapshots_table')
      tree.warnAt(
        'CONFIG_IGNORED',
        'ignored: the tables are <table_prefix>events and <table_prefix>snapshots (event_store.table_prefix)',
        at,
      );
    else tree.put(['event_store', key], v, at);
  }
}

function putArchiveTier(tree: CanonicalTree, archive: Record<string, unknown>, from: Path): void {
  tree.claim(ARCHIVE, from);
  for (const [key, v] of Object.entries(archive)) {
    const at = [...from, key];
    if (key === 'retention_days' || key === 'after_days') tree.put([...ARCHIVE, 'after'], typeof v === 'number' ? `${v} days` : v, at);
    else if (key === 'driver' || key === 'storage' || key === 'type') {
      const storage =
        typeof v === 'string' && FILE_DRIVERS.has(v) ? 'files' : typeof v === 'string' && DATABASE_DRIVERS.has(v) ? 'partition' : v;
      tree.put([...ARCHIVE, 'storage'], storage, at);
    } else if (key === 'path' || key === 'directory' || key === 'dir') tree.put([...ARCHIVE, 'dir'], v, at);
    else if (key === 'enabled') {
      if (v !== true) tree.warnAt('CONFIG_IGNORED', 'ignored: remove the archive block to turn archival off', at);
    } else tree.put([...ARCHIVE, key], v, at);
  }
}
