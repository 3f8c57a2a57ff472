/**
 * Saga ids that are functions of what started the saga, so that starting twice for the same
 * event (a log re-read after a crash, two readers racing) or the same HTTP Idempotency-Key
 * names the same stream, and the second start is a STREAM_EXISTS.
 */
import { createHash } from 'node:crypto';

function uuidFrom(text: string): string {
  const bytes = createHash('sha256').update(text).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80; // version 8: custom (RFC 9562), a hash here
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The id of saga `name` started by event `eventId`. */
export function sagaIdForEvent(name: string, eventId: string): string {
  return uuidFrom(`tusk-es/saga\u0000${name}\u0000event\u0000${eventId}`);
}

/** The id of saga `name` started over HTTP with Idempotency-Key `key`. */
export function sagaIdForKey(name: string, key: string): string {
  return uuidFrom(`tusk-es/saga\u0000${name}\u0000key\u0000${key}`);
}

/** The idempotency key a step's command (or call) is dispatched with: one per step and phase, never per attempt. */
export function actionKey(sagaId: string, step: number, compensation: boolean): string {
  return `saga:${sagaId}:${step + 1}:${compensation ? 'compensation' : 'step'}`;
}
