/**
 * How far a consumer is, over all its partitions and whichever processes run them: the
 * lowest checkpoint. Every event at or below it has been handled (read-your-writes waits on it).
 */
import type { EventStore } from '../store/EventStore.js';

/** The position up to which consumer `name` has handled the log. */
export function consumerPosition(store: EventStore, name: string): Promise<number> {
  return store.loadCheckpoint(name);
}

/**
 * Waits until consumer `name` has passed `position` or `waitMs` ran out; resolves to its
 * position then (below `position` when it ran out). Polls the checkpoint, which every process
 * can read, so it works whichever process applies the events.
 */
export async function awaitConsumerPosition(store: EventStore, name: string, position: number, waitMs: number): Promise<number> {
  const deadline = Date.now() + waitMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    const at = await consumerPosition(store, name);
    if (at >= position || Date.now() >= deadline) return at;
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, Math.max(0, deadline - Date.now()))));
  }
}
