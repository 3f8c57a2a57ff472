/**
 * Holds the background loops of a store (consumer partitions, the saga scheduler, removals,
 * archival) while the app starts: `tusk-es serve` opens the gate once the server has answered
 * its first request, or soon after it listens (src/runtime/startApp.ts). On the embedded store
 * every query runs on the main thread, and the loops' first statements (leases, the fleet, the
 * due sagas: each a first plan on cold catalogs) held up the first `/health` of a warm start
 * by ~0.3 s (issue 21, `warm_start`); nothing they do is needed to answer a request.
 * A store nobody holds runs its loops at once (tests, operator commands).
 */
import type { Waker } from './Waker.js';

const held = new WeakMap<object, Promise<void>>();

/** Holds the loops on `store` until the returned function is called (idempotent). */
export function holdBackground(store: object): () => void {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  held.set(store, gate);
  return () => {
    if (held.get(store) === gate) held.delete(store);
    open();
  };
}

/** Resolves when the loops on `store` may start, or when `waker` is stopped (at once when not held). */
export async function backgroundOpen(store: object, waker: Waker): Promise<void> {
  const gate = held.get(store);
  if (gate !== undefined) await waker.until(gate);
}
