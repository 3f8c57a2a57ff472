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
/** The top-level names a did-you-mean hint may suggest. */
const KNOWN_BLOCKS = [...CANONICAL, ...Object.keys(ALIAS_BLOCKS)];

/** True for a top-level block the pipeline reads (canonical or an alias); others are only warned about. */
export function isKnownBlock(key: string): boolean {
  return CANONICAL.has(key) || Object.hasOwn(ALIAS_BLOCKS, key);
}

/** Rewrites a loaded document value into canonical blocks; diagnostics stay on the original text. */
export function normaliseAliases(value: Record<string, unknown>, sourceMap: SourceMap): CanonicalTree {
  const tree = new CanonicalTree(sourceMap);
  // keys, not entries: a large file has tens of thousands of top-level blocks
  for (const key of Object.keys(value)) {
    const put = Object.hasOwn(ALIAS_BLOCKS, key) ? ALIAS_BLOCKS[key] : undefined;
    if (put) put(tree, value[key], [key]);
    else if (CANONICAL.has(key)) tree.put([key], value[key], [key]);
    else unknownBlock(tree, [key], KNOWN_BLOCKS);
  }
  return tree;
}
