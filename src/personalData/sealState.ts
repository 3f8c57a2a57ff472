/**
 * Sealing a whole aggregate state (snapshots): the state of a stream that holds personal
 * fields is derived from them, so it is stored sealed with one key made from the keys of
 * ALL the stream's subjects. Forgetting any of them makes the snapshot unreadable, and the
 * load folds the stream from its (now erased) events instead.
 */
import { createHash } from 'node:crypto';
import { openBytes, sealBytes } from './cipher.js';
import type { DataKey } from './KeyRing.js';

const MARK = '$pii_state';

/** The key a state is sealed with: a digest of every key, in key-id order. */
function combined(keys: readonly DataKey[]): Buffer {
  const h = createHash('sha256');
  for (const k of [...keys].sort((a, b) => a.id.localeCompare(b.id))) h.update(k.key);
  return h.digest();
}

/** The state sealed under `keys` (the state itself when there is none). */
export function sealState(state: unknown, keys: readonly DataKey[]): unknown {
  if (keys.length === 0) return state;
  const ids = keys.map((k) => k.id).sort();
  return { [MARK]: `${ids.join(',')}.${sealBytes(combined(keys), Buffer.from(JSON.stringify(state), 'utf8'))}` };
}

/** The key ids a stored state is sealed with (undefined: not sealed). */
export function sealedStateKeys(state: unknown): string[] | undefined {
  if (state === null || typeof state !== 'object' || Array.isArray(state)) return undefined;
  const text = (state as Record<string, unknown>)[MARK];
  if (typeof text !== 'string') return undefined;
  return text.slice(0, text.indexOf('.')).split(',');
}

/** The state opened, or undefined when one of its keys is gone. */
export function openState(state: unknown, keys: ReadonlyMap<string, Buffer | null>): unknown {
  const ids = sealedStateKeys(state);
  if (ids === undefined) return state;
  const found: DataKey[] = [];
  for (const id of ids) {
    const key = keys.get(id);
    if (key === undefined || key === null) return undefined;
    found.push({ id, key });
  }
  const text = (state as Record<string, string>)[MARK]!;
  const plain = openBytes(combined(found), text.slice(text.indexOf('.') + 1));
  return plain === undefined ? undefined : (JSON.parse(plain.toString('utf8')) as unknown);
}
