/**
 * A bound on V8's young generation (its "new space", where short-lived objects are allocated).
 * V8 doubles it, up to 32 MB on 64-bit, whenever enough survives a scavenge, and a server that
 * has grown it keeps all of it resident: a new space mostly full of garbage was 32 MB of the
 * default app's ~207 MB idle (issue 21, `rss_embedded_idle`). V8 reads its maximum only when the
 * process starts (`--max-semi-space-size`), but its growth factor at every growth, so growth is
 * held while `serve` loads and starts (a second of synchronous module and config loading grew it
 * 4 → 16 MB with no chance to look) and then bounded, or let go, by its store.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

// V8's default `--semi-space-growth-factor`.
const GROWTH_FACTOR = 2;

let observer: PerformanceObserver | undefined;

function growth(factor: number): void {
  setFlagsFromString(`--semi-space-growth-factor=${factor}`);
}

function newSpaceBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}

/** Holds the young generation at its present size until `boundYoungGeneration`. */
export function holdYoungGeneration(): void {
  growth(1);
}

/**
 * Lets the young generation grow again: up to `mb` at most, or as V8 sizes it (undefined). The
 * bound is checked after each garbage collection, asynchronously, and a stretch of synchronous
 * work can double it more than once before, so growth stops a doubling early: it ends at half
 * of `mb`, or at `mb` when a check came late.
 */
export function boundYoungGeneration(mb: number | undefined): void {
  observer?.disconnect();
  observer = undefined;
  if (mb !== undefined && newSpaceBytes() * GROWTH_FACTOR >= mb * 1024 * 1024) return growth(1);
  growth(GROWTH_FACTOR);
  if (mb === undefined) return;
  const watch = (observer = new PerformanceObserver(() => {
    if (newSpaceBytes() * GROWTH_FACTOR < mb * 1024 * 1024) return;
    growth(1);
    watch.disconnect();
  }));
  watch.observe({ entryTypes: ['gc'] });
}
