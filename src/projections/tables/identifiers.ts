/**
 * Names of tables, columns, indexes and constraints. PostgreSQL keeps 63 bytes of a name and
 * silently cuts the rest, so longer configured names are refused by `check`, and names the
 * runtime derives (a rebuild's fresh table, an index) are shortened with a hash to stay unique.
 */
import { createHash } from 'node:crypto';

const MAX_BYTES = 63;

/** Why `name` cannot be a table or column name, or undefined when it can. */
export function identifierProblem(name: string): string | undefined {
  if (name.length === 0) return 'a name cannot be empty';
  if (name.includes('\u0000')) return 'a name cannot contain a NUL character';
  if (Buffer.byteLength(name) > MAX_BYTES) return `"${name}" is longer than PostgreSQL's ${MAX_BYTES} bytes`;
  if (name.startsWith('_tusk_')) return `names starting with _tusk_ are reserved for tusk-es`;
  return undefined;
}

/** `base` + `suffix`, shortened (keeping it unique per base) to fit in 63 bytes. */
export function derivedName(base: string, suffix: string): string {
  const whole = `${base}${suffix}`;
  if (Buffer.byteLength(whole) <= MAX_BYTES) return whole;
  const hash = createHash('sha256').update(base).digest('hex').slice(0, 8);
  const room = MAX_BYTES - Buffer.byteLength(suffix) - hash.length - 1;
  return `${cutBytes(base, room)}_${hash}${suffix}`;
}

/** The longest prefix of `text` of at most `bytes` UTF-8 bytes (never half a character). */
function cutBytes(text: string, bytes: number): string {
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(out + ch) > bytes) break;
    out += ch;
  }
  return out;
}
