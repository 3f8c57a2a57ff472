/**
 * Seed spellings → canonical blocks, in one place (SPEC §2 table). The result is the tree
 * the zod schema validates, plus the origin of every canonical path for locating issues.
 */
import type { SourceMap } from '../../tsk/document.js';
import { CANONICAL_BLOCKS } from '../schema/app.js';
import {
  putAggregates,
  putEventSourcing,
  putEventStoreConfig,
  putIntegration,
  putProjections,
  putSnapshots,
  unknownBlock,
} from './blocks.js';
import { CanonicalTree } from './CanonicalTree.js';
import { putEncryption } from './encryption.js';
import { putEventStore } from './eventStore.js';
import { putEventArchival, putStorageTiers } from './storageTiers.js';

export { CanonicalTree } from './CanonicalTree.js';

const ALIAS_BLOCKS: Record<string, (tree: CanonicalTree, value: unknown, from: string[]) => void> = {
  event_store: putEventStore,
  aggregates: (t, v, f) => putAggregates(t, v, f),
  aggregate_config: (t, v, f) => putAggregates(t, v, f, { stripSuffix: true }),
  projections: putProjections,
  projection_config: putProjections,
  snapshots: putSnapshots,
  snapshot_config: putSnapshots,
  saga_config: (t, v, f) => t.put(['sagas'], v, f),
  event_sourcing: putEventSourcing,
  event_store_config: putEventStoreConfig,
  event_driven_integration: putIntegration,
  encryption: putEncryption,
  storage_tiers: putStorageTiers,
  event_archival: putEventArchival,
};

const CANONICAL = new Set<string>(CANONICAL_BLOCKS);

/** Rewrites a loaded document value into canonical blocks; diagnostics stay on the original text. */
export function normaliseAliases(value: Record<string, unknown>, sourceMap: SourceMap): CanonicalTree {
  const tree = new CanonicalTree(sourceMap);
  for (const [key, v] of Object.entries(value)) {
    const put = ALIAS_BLOCKS[key];
    if (put) put(tree, v, [key]);
    else if (CANONICAL.has(key)) tree.put([key], v, [key]);
    else unknownBlock(tree, [key], [...CANONICAL, ...Object.keys(ALIAS_BLOCKS)]);
  }
  return tree;
}
