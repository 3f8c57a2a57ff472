/**
 * One archival run (the `serve` job and `tusk-es archive`): stream by stream, in batches of
 * about `batchSize` events, each batch moved and verified in one transaction by the store. A
 * crash loses nothing and duplicates nothing: a batch is moved whole or not at all, and what
 * is left to move is read from the store again, so the next run simply continues.
 */
import type { ArchiveRule, EventStore } from '../store/EventStore.js';
import { RebuildClock, type RebuildProgress } from '../projections/rebuild/RebuildProgress.js';

/** How a run goes. */
export interface ArchiveRunOptions {
  /** Events per batch (a stream larger than this is one batch of its own). */
  batchSize: number;
  onProgress?: (progress: RebuildProgress) => void;
  /** Checked between batches: true ends the run early (shutdown). */
  stopped?: () => boolean;
}

/** What a run did. */
export interface ArchiveRunResult {
  streams: number;
  events: number;
  durationMs: number;
}

/** Moves every stream `rules` select to the archive; resolves when none is left (or when stopped). */
export async function runArchive(store: EventStore, rules: readonly ArchiveRule[], options: ArchiveRunOptions): Promise<ArchiveRunResult> {
  const started = performance.now();
  let total = 0;
  for (const rule of rules) total += await store.countArchivable(rule);
  const clock = new RebuildClock('archive', total, options.onProgress);
  let streams = 0;
  let events = 0;
  for (const rule of rules) {
    for (;;) {
      if (options.stopped?.() === true) return { streams, events, durationMs: performance.now() - started };
      const candidates = await store.archivableStreams(rule, Math.max(1, Math.min(options.batchSize, 1000)));
      if (candidates.length === 0) break;
      const batch = [];
      let size = 0;
      for (const c of candidates) {
        if (batch.length > 0 && size + c.events > options.batchSize) break;
        batch.push(c);
        size += c.events;
      }
      const moved = await store.archiveStreams(batch);
      streams += batch.length;
      events += moved;
      clock.advance(moved, 0);
    }
  }
  clock.finish();
  return { streams, events, durationMs: performance.now() - started };
}
