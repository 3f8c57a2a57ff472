/**
 * How far a consumer is, over all its partitions and whichever processes run them: the
 * lowest checkpoint of its partitions. Every event at or below it has been handled
 * (read-your-writes waits on it).
 */
import type { EventStore } from '../store/EventStore.js';
import { partitionKeys } from './partitionKeys.js';

/** The position up to which consumer `name` (with `partitions` partitions) has handled the log. */
export async function consumerPosition(store: EventStore, name: string, partitions = 1): Promise<number> {
  const positions = await Promise.all(partitionKeys(name, partitions).map((key) => store.loadCheckpoint(key)));
  return Math.min(...positions);
}

/**
 * Waits until consumer `name` has passed `position` in every partition, or `waitMs` ran out;
 * resolves to its position then (below `position` when it ran out). Polls the checkpoints,
 * which every process can read, so it works whichever process applies the events.
 */
export async function awaitConsumerPosition(
  store: EventStore,
  name: string,
  partitions: number,
  position: number,
  waitMs: number,
): Promise<number> {
  const deadline = Date.now() + waitMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    const at = await consumerPosition(store, name, partitions);
    if (at >= position || Date.now() >= deadline) return at;
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, Math.max(0, deadline - Date.now()))));
  }
}
