/**
 * Internal streams: tusk-es keeps some of its own state as events (saga progress in `$saga`).
 * Their stream types start with `$`, which `check` refuses for aggregates, so they never
 * collide with a user's streams; relays with `"*"` leave them out (SPEC §8 publishes the app's events).
 */

/** True for a stream type tusk-es uses for itself. */
export function isInternalStreamType(streamType: string): boolean {
  return streamType.startsWith('$');
}
