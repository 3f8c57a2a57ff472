/**
 * Saga ids that are functions of what started the saga, so that starting twice for the same
 * event (a log re-read after a crash, two readers racing) or the same HTTP Idempotency-Key
 * names the same stream, and the second start is a STREAM_EXISTS.
 *
 * An event-started saga's id is time-ordered (README: Starting): the UUIDv7 layout, its 48-bit
 * time the trigger event's own timestamp and the rest from the hash. Its rows (the saga stream's
 * events, its saga_instances row, its commands' idempotency keys) then go to the right-hand
 * pages of their indexes, as the orders' do; hash ids put every saga on a random leaf page of
 * each index, which outgrew PGlite's 8 MB buffer cache within a minute of the order flow and
 * made every order dearer as the store grew (issue 21, soak_app). Events at or below the
 * store's `SAGA_HASH_IDS_UNTIL` position (recorded by the store migration that brought this
 * scheme) keep the hash id they were started with.
 */
import { createHash } from 'node:crypto';

/** What a saga id is derived from: the trigger event's id, log position and timestamp. */
export interface TriggerRef {
  id: string;
  position: number;
  timestamp: Date | string;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function formatUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A version-8 UUID (RFC 9562: custom) that is the first 16 bytes of the hash of `text`. */
function hashUuid(text: string): string {
  const bytes = digest(text).subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC variant
  return formatUuid(bytes);
}

/** A version-7 UUID whose time is `ms` (clamped to 48 bits) and whose other 74 bits are the hash of `text`. */
function timeOrderedUuid(ms: number, text: string): string {
  const bytes = Buffer.alloc(16);
  digest(text).copy(bytes, 6, 0, 10);
  bytes.writeUIntBE(Math.min(Math.max(0, Math.floor(ms) || 0), 2 ** 48 - 1), 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return formatUuid(bytes);
}

/**
 * The id of saga `name` started by `event`: time-ordered, or the hash id of the scheme before
 * it when the event's position is at or below `hashUntil` (the store's SAGA_HASH_IDS_UNTIL).
 */
export function sagaIdForEvent(name: string, event: TriggerRef, hashUntil = 0): string {
  const text = `tusk-es/saga\u0000${name}\u0000event\u0000${event.id}`;
  if (event.position <= hashUntil) return hashUuid(text);
  return timeOrderedUuid(new Date(event.timestamp).getTime(), text);
}

/** The id of saga `name` started over HTTP with Idempotency-Key `key` (a hash: such sagas are rare, not the order flow). */
export function sagaIdForKey(name: string, key: string): string {
  return hashUuid(`tusk-es/saga\u0000${name}\u0000key\u0000${key}`);
}

/** The idempotency key a step's command (or call) is dispatched with: one per step and phase, never per attempt. */
export function actionKey(sagaId: string, step: number, compensation: boolean): string {
  return `saga:${sagaId}:${step + 1}:${compensation ? 'compensation' : 'step'}`;
}
