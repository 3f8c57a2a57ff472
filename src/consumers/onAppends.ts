/**
 * The wake-ups of every follower of the log: a local append (the live bus, filtered by the
 * follower's event types) and another process's append (the store's LISTEN/NOTIFY). Consumers
 * (LogConsumer) and the live SSE stream (src/http/liveStream.ts) both wake on it.
 */
import type { LiveBus } from '../engine/liveBus.js';
import type { EventStore } from '../store/EventStore.js';

/** Calls `wake` on appends that may concern a follower of `types` (undefined = all); returns the unsubscribe. */
export function onAppends(store: EventStore, bus: LiveBus | undefined, types: readonly string[] | undefined, wake: () => void): () => void {
  const wanted = types === undefined ? undefined : new Set(types);
  const local = bus?.subscribe((events) => {
    if (wanted === undefined || events.some((e) => wanted.has(e.type))) wake();
  });
  const remote = store.onRemoteAppends(wake);
  return () => {
    local?.();
    remote();
  };
}
