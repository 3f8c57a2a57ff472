/**
 * Scalar settings that the seeds mix into blocks (`[aggregates] snapshot_enabled`,
 * `[projections] real_time`, `[event_sourcing] snapshot_frequency`): each goes to its
 * canonical key, or becomes a warning saying it has no effect.
 */
import type { Path } from '../../tsk/document.js';
import type { CanonicalTree } from './CanonicalTree.js';
import { storeType } from './eventStore.js';
import { putEventArchival, putStorageTiers } from './storageTiers.js';

type Setting = (tree: CanonicalTree, value: unknown, from: Path) => void;

const to =
  (target: Path): Setting =>
  (tree, value, from) =>
    tree.put(target, value, from);

const ignored =
  (why: string): Setting =>
  (tree, _value, from) =>
    tree.warnAt('CONFIG_IGNORED', `ignored: ${why}`, from);

/** `real_time = true` → inline (same transaction as the append), false → async worker. */
const realTime: Setting = (tree, value, from) => {
  const mode = value === true || value === 'true' ? 'inline' : value === false || value === 'false' ? 'async' : value;
  tree.put(['projection_defaults', 'mode'], mode, from);
};

/** `[aggregates]` scalars (seed 002). */
export const AGGREGATE_SETTINGS: Record<string, Setting> = {
  snapshot_enabled: to(['snapshots', 'enabled']),
  snapshot_retention: to(['snapshots', 'retention']),
  snapshot_frequency: to(['snapshots', 'frequency']),
  optimistic_concurrency: ignored('optimistic concurrency is always on (send If-Match to use it)'),
  max_events_per_aggregate: ignored('set `max_events` on each aggregate instead'),
};

/** `[projections]` scalars (seed 002) and seed 000's `event_sourcing.projections`. */
export const PROJECTION_SETTINGS: Record<string, Setting> = {
  enabled: to(['projection_defaults', 'enabled']),
  real_time: realTime,
  mode: to(['projection_defaults', 'mode']),
  batch_size: to(['projection_defaults', 'batch_size']),
  retry_attempts: to(['projection_defaults', 'retry_attempts']),
  parallel_processing: to(['projection_defaults', 'parallel_processing']),
  batch_processing: to(['projection_defaults', 'batch_processing']),
  materialized_views: to(['projection_defaults', 'materialized_views']),
  read_models: to(['projection_defaults', 'read_models']),
};

/** `[event_sourcing]` scalars (seed 002). */
export const EVENT_SOURCING_SETTINGS: Record<string, Setting> = {
  event_store_type: (tree, value, from) => tree.put(['event_store', 'type'], storeType(value), from),
  snapshot_frequency: to(['snapshots', 'frequency']),
  enabled: ignored('event sourcing is what tusk-es does; it cannot be turned off'),
  event_serialization: ignored('events are stored as JSON (jsonb)'),
  storage_tiers: putStorageTiers,
  event_archival: putEventArchival,
};
