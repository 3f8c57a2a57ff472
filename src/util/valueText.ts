/**
 * A value as text for a message or a key: strings as they are, objects and arrays as JSON,
 * everything else as `String` gives it (never `[object Object]`).
 */
export function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}
