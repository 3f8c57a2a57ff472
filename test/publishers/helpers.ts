/** Shared helpers of the publisher tests: events to append, a publisher that records, waiting. */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { EventJson } from '../../src/engine/toEventJson.js';
import { identityUpcaster } from '../../src/engine/upcaster.js';
import { LiveBus } from '../../src/engine/liveBus.js';
import { DeliveryError } from '../../src/publishers/DeliveryError.js';
import type { Publisher } from '../../src/publishers/Publisher.js';
import { PublisherMetrics } from '../../src/publishers/PublisherMetrics.js';
import { ConsumerMetrics } from '../../src/consumers/ConsumerMetrics.js';
import { LogConsumer } from '../../src/consumers/LogConsumer.js';
import { relayConsumer, type RelayOptions } from '../../src/publishers/relayConsumer.js';
import type { EventStore, StoredEvent } from '../../src/store/EventStore.js';

export const silent = pino({ level: 'silent' });

/** Appends `count` events of `type` to stream `streamType/id`; returns them. */
export async function appendEvents(
  store: EventStore,
  streamType: string,
  id: string,
  count: number,
  type = 'Happened',
): Promise<StoredEvent[]> {
  const version = await store.streamVersion(streamType, id);
  const events = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    type,
    eventVersion: 1,
    data: { n: version + i + 1 },
    metadata: { correlation_id: `c-${id}` },
    timestamp: new Date(),
  }));
  return (await store.append({ streamType, streamId: id, expectedVersion: version === 0 ? 'no_stream' : version, events })).events;
}

/** What a scripted delivery attempt does. */
export type Outcome = 'ok' | 'refuse' | 'down';

/** A Publisher that records what it received; `script` decides each attempt (default: ok). */
export class RecordingPublisher implements Publisher {
  readonly target = 'recording';
  readonly received: EventJson[] = [];
  readonly attempts = new Map<string, number>();
  closed = false;

  constructor(public script: (event: EventJson, attempt: number) => Outcome = () => 'ok') {}

  async deliver(events: readonly EventJson[]): Promise<void> {
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      const attempt = (this.attempts.get(event.id) ?? 0) + 1;
      this.attempts.set(event.id, attempt);
      const outcome = this.script(event, attempt);
      if (outcome === 'refuse') throw new DeliveryError(`refused ${event.position}`, i, false);
      if (outcome === 'down') throw new DeliveryError('target down', i, true);
      this.received.push(event);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** What a test relay may change: the relay's options and the consumer timing. */
export type TestRelayOptions = Partial<RelayOptions> & { pollIntervalMs?: number; leaseTtlMs?: number; bus?: LiveBus };

/** A relay over `store` with short intervals; `metrics` on a fresh registry. */
export function testRelay(
  store: EventStore,
  publisher: Publisher,
  options: TestRelayOptions = {},
): { relay: LogConsumer; metrics: PublisherMetrics; registry: Registry; bus: LiveBus } {
  const registry = new Registry();
  const metrics = new PublisherMetrics(registry);
  const { pollIntervalMs = 20, leaseTtlMs = 1_000, bus = new LiveBus(), ...relay } = options;
  const env = {
    store,
    logger: silent,
    owner: `owner-${randomUUID()}`,
    bus,
    metrics: ConsumerMetrics.of(registry),
    pollIntervalMs,
    leaseTtlMs,
  };
  const spec = relayConsumer({
    name: 'test',
    publisher,
    policy: { max_retries: 2, backoff_multiplier: 2, initial_delay: 5, max_delay: 20 },
    store,
    logger: silent,
    upcaster: identityUpcaster,
    metrics,
    stopTimeoutMs: 1_000,
    ...relay,
  });
  return { relay: new LogConsumer(env, spec), metrics, registry, bus };
}

/** Polls `check` until it returns true (or fails the test after `timeoutMs`). */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The value of a metric line `name{relay="…"}` in a registry's text (0 when absent). */
export async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const json = await registry.getMetricsAsJSON();
  const metric = json.find((m) => m.name === name);
  const value = (metric?.values as { value: number; labels: Record<string, unknown> }[] | undefined)?.find((v) =>
    Object.entries(labels).every(([k, x]) => v.labels[k] === x),
  );
  return value?.value ?? 0;
}

/** Events grouped by aggregate, in arrival order, as `version` lists. */
export function versionsByAggregate(events: readonly EventJson[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const e of events) {
    const key = `${e.aggregate_type}/${e.aggregate_id}`;
    out.set(key, [...(out.get(key) ?? []), e.version]);
  }
  return out;
}
