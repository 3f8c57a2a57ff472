/**
 * The in-process live-event bus: after each successful append the runtime emits the stored
 * events here. SSE `/events/live` listens; background workers may use it as a wake-up signal
 * (they still read the log, which stays the source of truth).
 */
import type { StoredEvent } from '../store/EventStore.js';

/** Receives events after they are committed, in append order. */
export type LiveListener = (events: readonly StoredEvent[]) => void;

/** A tiny synchronous fan-out; a throwing listener never affects the others or the command. */
export class LiveBus {
  private readonly listeners = new Set<LiveListener>();

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: LiveListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Delivers committed events to every listener. */
  publish(events: readonly StoredEvent[]): void {
    if (events.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(events);
      } catch {
        // A listener's failure is its own problem (SSE clients disconnect, etc.).
      }
    }
  }

  /** Number of listeners (for tests). */
  get size(): number {
    return this.listeners.size;
  }
}
