/**
 * Block-level aliases: where each seed spelling of a block goes in the canonical tree.
 * Entries of record blocks (projections, snapshots) that are scalars are settings.
 */
import type { Path } from '../../tsk/document.js';
import { didYouMean } from '../didYouMean.js';
import { isPlainObject } from '../paths.js';
import { putAggregate } from './aggregates.js';
import type { CanonicalTree } from './CanonicalTree.js';
import { putEventStore } from './eventStore.js';
import { AGGREGATE_SETTINGS, EVENT_SOURCING_SETTINGS, PROJECTION_SETTINGS } from './settings.js';
import { getOwn } from '../../util/setOwn.js';

/** `aggregates` (or an alias): objects are aggregates, scalars are `[aggregates]` settings. */
export function putAggregates(tree: CanonicalTree, value: unknown, from: Path, options: { stripSuffix?: boolean } = {}): void {
  if (!isPlainObject(value)) return tree.put(['aggregates'], value, from);
  tree.claim(['aggregates'], from);
  for (const [key, v] of Object.entries(value)) {
    const at = [...from, key];
    const setting = getOwn(AGGREGATE_SETTINGS, key);
    if (setting && !isPlainObject(v)) setting(tree, v, at);
    else putAggregate(tree, options.stripSuffix ? key.replace(/_aggregate$/, '') : key, v, at);
  }
}

/** `projections` (or an alias): objects with a `table` are projections, the rest settings. */
export function putProjections(tree: CanonicalTree, value: unknown, from: Path): void {
  if (!isPlainObject(value)) return tree.put(['projections'], value, from);
  tree.claim(['projections'], from);
  for (const [key, v] of Object.entries(value)) {
    const at = [...from, key];
    const setting = getOwn(PROJECTION_SETTINGS, key);
    if (isPlainObject(v) && 'table' in v) tree.put(['projections', key], v, at);
    else if (setting) setting(tree, v, at);
    else tree.put(['projections', key], v, at); // zod names what is missing
  }
}

/** `snapshots` (or `snapshot_config`): named entries set their aggregate's frequency. */
export function putSnapshots(tree: CanonicalTree, value: unknown, from: Path): void {
  if (!isPlainObject(value)) return tree.put(['snapshots'], value, from);
  tree.claim(['snapshots'], from);
  for (const [key, v] of Object.entries(value)) {
    const at = [...from, key];
    if (key === 'replay_config') {
      tree.warnAt('CONFIG_IGNORED', 'ignored: replays are run by `tusk-es rebuild` and `POST /projections/{name}/rebuild`', at);
    } else if (isPlainObject(v) && typeof v.aggregate_type === 'string') {
      // storage and serialization of a named entry: snapshots live in the event store, as jsonb
      if (v.frequency !== undefined) tree.put(['aggregates', v.aggregate_type, 'snapshot_frequency'], v.frequency, [...at, 'frequency']);
    } else {
      tree.put(['snapshots', key], v, at);
    }
  }
}

/** `event_sourcing` (seed 000 block, seed 002 section). */
export function putEventSourcing(tree: CanonicalTree, value: unknown, from: Path): void {
  if (!isPlainObject(value)) return unknownBlock(tree, from);
  for (const [key, v] of Object.entries(value)) {
    const at = [...from, key];
    const setting = getOwn(EVENT_SOURCING_SETTINGS, key);
    if (key === 'event_store') putEventStore(tree, v, at);
    else if (key === 'aggregates') putAggregates(tree, v, at);
    else if (key === 'projections') putProjections(tree, v, at);
    else if (setting) setting(tree, v, at);
    else unknownKey(tree, key, ['event_store', 'aggregates', 'projections', ...Object.keys(EVENT_SOURCING_SETTINGS)], at);
  }
}

/** `event_store_config` (seed 000): storage tiers and settings. */
export function putEventStoreConfig(tree: CanonicalTree, value: unknown, from: Path): void {
  if (!isPlainObject(value)) return unknownBlock(tree, from);
  for (const [key, v] of Object.entries(value)) {
    const at = [...from, key];
    if (key === 'storage' && isPlainObject(v)) {
      for (const [tier, t] of Object.entries(v)) {
        const tierAt = [...at, tier];
        if (tier === 'primary') putEventStore(tree, t, tierAt);
        else if (tier === 'cache') tree.put(['cache'], t, tierAt);
        else if (tier === 'archive') tree.warnAt('CONFIG_IGNORED', 'ignored: tusk-es keeps every event in the event store', tierAt);
        else unknownKey(tree, tier, ['primary', 'cache', 'archive'], tierAt);
      }
    } else if (key === 'event_handling' || key === 'performance') {
      tree.warnAt('CONFIG_IGNORED', `ignored: tusk-es always validates, orders per stream and uses optimistic concurrency`, at);
    } else unknownKey(tree, key, ['storage', 'event_handling', 'performance'], at);
  }
}

/** `event_driven_integration` (seed 000): publishers and subscribers. */
export function putIntegration(tree: CanonicalTree, value: unknown, from: Path): void {
  if (!isPlainObject(value)) return unknownBlock(tree, from);
  for (const [key, v] of Object.entries(value)) {
    const at = [...from, key];
    if (key === 'event_publishers') tree.put(['publishers'], v, at);
    else if (key === 'event_subscribers') tree.put(['subscribers'], v, at);
    else unknownKey(tree, key, ['event_publishers', 'event_subscribers'], at);
  }
}

/** A top-level block tusk-es does not use: a warning, so descriptive seed blocks pass. */
export function unknownBlock(tree: CanonicalTree, from: Path, known: readonly string[] = []): void {
  const name = String(from[from.length - 1]);
  tree.warnAt('CONFIG_UNKNOWN_BLOCK', `not used by tusk-es${didYouMean(name, known, 2)}`, from);
}

function unknownKey(tree: CanonicalTree, key: string, known: string[], at: Path): void {
  tree.errorAt('CONFIG_UNKNOWN_KEY', `unknown key${didYouMean(key, known)}`, at);
}
