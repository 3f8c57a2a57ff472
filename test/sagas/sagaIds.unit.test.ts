/**
 * Issue 21 (soak_app): event-started saga ids are time-ordered (their rows go to the right-hand
 * pages of the indexes, as the orders' do) and still deterministic (a second start for the same
 * event names the same stream); events at or below the store's mark keep the hash ids of the
 * scheme before, byte for byte.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { actionKey, sagaIdForEvent, sagaIdForKey } from '../../src/sagas/sagaIds.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const T0 = Date.parse('2026-12-07T02:00:00.000Z');

/** Trigger events in log order, `perMs` of them in each millisecond. */
function triggers(count: number, perMs: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    position: 1_000 + i,
    timestamp: new Date(T0 + Math.floor(i / perMs)),
  }));
}

describe('saga ids of event-started sagas', () => {
  it('are UUIDv7 whose time is the trigger event’s timestamp, so they sort in the events’ order', () => {
    const events = triggers(2_000, 1);
    const ids = events.map((e) => sagaIdForEvent('order_processing_saga', e));
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect(ids[0]!.replaceAll('-', '').slice(0, 12)).toBe(T0.toString(16).padStart(12, '0'));
    expect([...ids].sort()).toEqual(ids);
    // The idempotency keys of the saga's commands follow: one region of the index, not a random page each.
    const keys = ids.map((id) => actionKey(id, 0, false));
    expect([...keys].sort()).toEqual(keys);
  });

  it('are deterministic: the same event (stored or as JSON) gives the same id; another event in the same millisecond another', () => {
    const [a, b] = triggers(2, 2);
    const id = sagaIdForEvent('s', a!);
    expect(sagaIdForEvent('s', { ...a!, timestamp: a!.timestamp.toISOString() })).toBe(id);
    expect(sagaIdForEvent('s', a!)).toBe(id);
    expect(sagaIdForEvent('s', b!)).not.toBe(id);
    expect(sagaIdForEvent('other', a!)).not.toBe(id);
    expect(sagaIdForEvent('s', b!).slice(0, 13)).toBe(id.slice(0, 13)); // same millisecond, same time part
  });

  it('keep the hash id of the scheme before for events at or below the store’s mark (the ids older stores hold)', () => {
    const event = { id: '0190a1b2-0000-7000-8000-000000000001', position: 41, timestamp: new Date(T0) };
    // Computed by the code before this change: sha256 of the saga name and event id, version 8.
    const before = '6e07bb7c-ed26-8a81-9a3e-710de64cd79e';
    expect(sagaIdForEvent('order_processing_saga', event, 41)).toBe(before);
    expect(sagaIdForEvent('order_processing_saga', event, 100)).toBe(before);
    expect(sagaIdForEvent('order_processing_saga', event, 40)).toMatch(UUID_V7);
    expect(sagaIdForEvent('order_processing_saga', event, 40)).not.toBe(before);
  });

  it('started over HTTP with an Idempotency-Key keep the hash id', () => {
    expect(sagaIdForKey('order_processing_saga', 'k-1')).toBe('b72b820b-a0c5-87b7-8cd0-73ae37498c02');
  });
});
