/** An `events` filter as the relay reads it: `"*"` anywhere means every type. */

/** The types to read, or undefined for all of them. */
export function eventTypes(events: readonly string[]): readonly string[] | undefined {
  return events.includes('*') ? undefined : [...new Set(events)];
}
