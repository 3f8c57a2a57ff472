/**
 * The relay over a real (in-memory PGlite) event store, delivering to a recording publisher:
 * order, checkpoints, retries, dead letters, outages, filters, leases.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryStore } from '../engine/fixtures.js';
import { listDeadLetters } from '../../src/consumers/deadLetters/sql/listDeadLetters.js';
import type { LogConsumer } from '../../src/consumers/LogConsumer.js';
import { relayKey } from '../../src/publishers/relayConsumer.js';
import type { EventStore } from '../../src/store/EventStore.js';
import { RecordingPublisher, appendEvents, eventually, metricValue, testRelay } from './helpers.js';

let store: EventStore;
const running: LogConsumer[] = [];

beforeEach(async () => {
  store = await memoryStore();
});
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
  await store.close();
});

function start(publisher: RecordingPublisher, options: Parameters<typeof testRelay>[2] = {}) {
  const t = testRelay(store, publisher, options);
  running.push(t.relay);
  t.relay.start();
  return t;
}

describe('relay', () => {
  it('delivers every event once, in log order, and saves its checkpoint after delivery', async () => {
    await appendEvents(store, 'order', 'a', 3);
    await appendEvents(store, 'order', 'b', 2);
    await appendEvents(store, 'order', 'a', 2);
    const publisher = new RecordingPublisher();
    const { registry } = start(publisher);
    await eventually(() => publisher.received.length === 7, '7 deliveries');
    expect(publisher.received.map((e) => `${e.aggregate_id}${e.version}`)).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'a4', 'a5']);
    expect(publisher.received.map((e) => e.position)).toEqual([...publisher.received.map((e) => e.position)].sort((x, y) => x - y));
    await eventually(async () => (await store.loadCheckpoint(relayKey('test'))) === publisher.received.at(-1)!.position, 'checkpoint');
    expect(await metricValue(registry, 'tusk_publisher_delivered_total', { relay: 'test' })).toBe(7);
    await eventually(
      async () => (await metricValue(registry, 'tusk_consumer_lag_events', { consumer: relayKey('test'), partition: '0' })) === 0,
      'lag 0',
    );
  });

  it('is woken by the live bus: an append is delivered without waiting for the poll interval', async () => {
    const publisher = new RecordingPublisher();
    const { bus } = start(publisher, { pollIntervalMs: 60_000 });
    await new Promise((r) => setTimeout(r, 100)); // the relay is now idle for a minute
    const appended = await appendEvents(store, 'order', 'live', 1);
    bus.publish(appended);
    await eventually(() => publisher.received.length === 1, 'the live event', 5_000);
  });

  it('resumes from its checkpoint after a restart: nothing lost, nothing delivered twice', async () => {
    await appendEvents(store, 'order', 'a', 4);
    const first = new RecordingPublisher();
    const { relay } = start(first);
    await eventually(() => first.received.length === 4, 'first run');
    await relay.stop();
    await appendEvents(store, 'order', 'a', 3);
    const second = new RecordingPublisher();
    start(second);
    await eventually(() => second.received.length === 3, 'second run');
    expect(second.received.map((e) => e.version)).toEqual([5, 6, 7]);
  });

  it('retries a refused event with backoff, then dead-letters it after max_retries and moves on', async () => {
    const events = await appendEvents(store, 'order', 'a', 3);
    const poison = events[1]!.id;
    const publisher = new RecordingPublisher((e) => (e.id === poison ? 'refuse' : 'ok'));
    const { registry } = start(publisher);
    await eventually(() => publisher.received.length === 2, 'the two good events');
    expect(publisher.received.map((e) => e.version)).toEqual([1, 3]);
    expect(publisher.attempts.get(poison)).toBe(3); // the first attempt and max_retries = 2 more
    const [letter, ...rest] = await listDeadLetters(store, store.tables, { after: 0, limit: 10 });
    expect(rest).toEqual([]);
    expect(letter).toMatchObject({
      consumer: 'publisher:test',
      status: 'skipped',
      position: events[1]!.position,
      eventId: poison,
      attempts: 3,
      error: `refused ${events[1]!.position}`,
    });
    expect(letter!.event?.id).toBe(poison);
    expect(await metricValue(registry, 'tusk_publisher_dead_letters_total', { relay: 'test' })).toBe(1);
    expect(await metricValue(registry, 'tusk_publisher_retries_total', { relay: 'test' })).toBe(2);
  });

  it('on_error = "park": the refused event is parked and holds back only its own stream, recorded as held', async () => {
    const a = await appendEvents(store, 'order', 'a', 3);
    await appendEvents(store, 'order', 'b', 2);
    const publisher = new RecordingPublisher((e) => (e.id === a[1]!.id ? 'refuse' : 'ok'));
    start(publisher, { onError: 'park' });
    await eventually(() => publisher.received.some((e) => e.aggregate_id === 'b' && e.version === 2), 'the other stream');
    await eventually(
      async () => (await listDeadLetters(store, store.tables, { after: 0, limit: 10 })).length === 2,
      'the parked and the held letter',
    );
    expect(publisher.received.map((e) => `${e.aggregate_id}${e.version}`)).toEqual(['a1', 'b1', 'b2']);
    const letters = await listDeadLetters(store, store.tables, { after: 0, limit: 10 });
    expect(letters.map((l) => [l.status, l.position])).toEqual([
      ['parked', a[1]!.position],
      ['held', a[2]!.position],
    ]);
    // A later event of the parked stream is held back too.
    const later = await appendEvents(store, 'order', 'a', 1);
    await appendEvents(store, 'order', 'c', 1);
    await eventually(() => publisher.received.some((e) => e.aggregate_id === 'c'), 'a later stream');
    await eventually(
      async () =>
        (await listDeadLetters(store, store.tables, { status: 'held', after: 0, limit: 10 })).some(
          (l) => l.position === later[0]!.position,
        ),
      'the later held event',
    );
    expect(publisher.received.filter((e) => e.aggregate_id === 'a').map((e) => e.version)).toEqual([1]);
  });

  it('on_error = "stop": the relay stops at the refused event and records nothing', async () => {
    const events = await appendEvents(store, 'order', 'a', 3);
    const publisher = new RecordingPublisher((e) => (e.id === events[1]!.id ? 'refuse' : 'ok'));
    const { relay } = start(publisher, { onError: 'stop' });
    await eventually(() => relay.state === 'failed', 'the stopped relay');
    expect(relay.error).toMatch(/cannot be handled/);
    expect(publisher.received.map((e) => e.version)).toEqual([1]);
    expect(await listDeadLetters(store, store.tables, { after: 0, limit: 10 })).toEqual([]);
    expect(await store.loadCheckpoint(relayKey('test'))).toBe(events[0]!.position);
  });

  it('waits out an unreachable target without using up retries: no dead letter, nothing lost', async () => {
    await appendEvents(store, 'order', 'a', 5);
    let down = true;
    const publisher = new RecordingPublisher((e) => (down && e.version >= 3 ? 'down' : 'ok'));
    const { registry } = start(publisher, { policy: { max_retries: 1, backoff_multiplier: 2, initial_delay: 5, max_delay: 10 } });
    await eventually(async () => (await metricValue(registry, 'tusk_publisher_retries_total', { relay: 'test' })) >= 10, 'ten waits');
    expect(publisher.received.map((e) => e.version)).toEqual([1, 2]);
    expect(await metricValue(registry, 'tusk_publisher_target_up', { relay: 'test' })).toBe(0);
    down = false;
    await eventually(() => publisher.received.length === 5, 'the rest after the outage');
    expect(publisher.received.map((e) => e.version)).toEqual([1, 2, 3, 4, 5]);
    expect(await listDeadLetters(store, store.tables, { after: 0, limit: 10 })).toEqual([]);
    expect(await metricValue(registry, 'tusk_publisher_target_up', { relay: 'test' })).toBe(1);
  });

  it('delivers only the filtered types, and its checkpoint follows the head so the lag stays 0', async () => {
    await appendEvents(store, 'order', 'a', 2, 'Other');
    await appendEvents(store, 'order', 'b', 1, 'Wanted');
    await appendEvents(store, 'order', 'c', 3, 'Other');
    const publisher = new RecordingPublisher();
    const { registry } = start(publisher, { types: ['Wanted'] });
    await eventually(() => publisher.received.length === 1, 'the wanted event');
    const head = await store.headPosition();
    await eventually(async () => (await store.loadCheckpoint(relayKey('test'))) === head, 'checkpoint at the head');
    expect(await metricValue(registry, 'tusk_consumer_lag_events', { consumer: relayKey('test'), partition: '0' })).toBe(0);
    expect(publisher.received[0]!.type).toBe('Wanted');
  });

  it('runs once across processes: of two relays with one name, only the lease holder delivers; the other takes over when it stops', async () => {
    await appendEvents(store, 'order', 'a', 3);
    const p1 = new RecordingPublisher();
    const p2 = new RecordingPublisher();
    const { relay: r1 } = start(p1);
    await eventually(() => p1.received.length === 3, 'the first relay');
    start(p2);
    await appendEvents(store, 'order', 'a', 2);
    await eventually(() => p1.received.length === 5, 'the holder delivers the new events');
    await new Promise((r) => setTimeout(r, 200));
    expect(p2.received).toEqual([]);
    await r1.stop(); // releases the lease
    await appendEvents(store, 'order', 'a', 1);
    await eventually(() => p2.received.length === 1, 'the second relay takes over', 10_000);
    expect(p2.received[0]!.version).toBe(6);
  });

  it('stop() closes the publisher and returns even while the target is down', async () => {
    await appendEvents(store, 'order', 'a', 1);
    const publisher = new RecordingPublisher(() => 'down');
    const { relay } = start(publisher, { policy: { max_retries: 3, backoff_multiplier: 2, initial_delay: 60_000, max_delay: 60_000 } });
    await eventually(() => publisher.attempts.size === 1, 'an attempt');
    const started = Date.now();
    await relay.stop();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(publisher.closed).toBe(true);
  });
});

describe('internal streams', () => {
  it('"*" passes over tusk-es\'s own $-streams (saga progress) but a filter that names their types gets them', async () => {
    await appendEvents(store, 'order', 'a', 1);
    await appendEvents(store, '$saga', 's1', 2, '$SagaStepDone');
    await appendEvents(store, 'order', 'a', 1);
    await appendEvents(store, '$saga', 's2', 1, '$SagaStepDone');
    const all = new RecordingPublisher();
    start(all);
    await eventually(() => all.received.length === 2, 'the two order events');
    expect(all.received.map((e) => e.aggregate_type)).toEqual(['order', 'order']);
    const head = await store.headPosition();
    await eventually(async () => (await store.loadCheckpoint(relayKey('test'))) === head, 'checkpoint past the internal events');
    const named = new RecordingPublisher();
    start(named, { name: 'named', types: ['$SagaStepDone'] });
    await eventually(() => named.received.length === 3, 'the named internal events');
  });
});
