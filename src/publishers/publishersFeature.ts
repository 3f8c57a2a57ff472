/**
 * Publishers and subscribers (SPEC §8): one relay per target follows the event log (the
 * outbox) and delivers to Kafka, RabbitMQ or a webhook; dead letters are listed and retried
 * over HTTP.
 */
import { ConsumerMetrics } from '../consumers/ConsumerMetrics.js';
import { registerConsumer } from '../consumers/consumerRegistry.js';
import { LogConsumer } from '../consumers/LogConsumer.js';
import { newOwnerId } from '../consumers/ownerId.js';
import type { Feature } from '../runtime/Feature.js';
import type { Runtime } from '../runtime/Runtime.js';
import { PublisherMetrics } from './PublisherMetrics.js';
import { relayConsumer } from './relayConsumer.js';
import { relaySpecs } from './relaySpecs.js';

/** Tuning of the relays (tests shorten the intervals). */
export interface RelayTuning {
  batchSize?: number;
  pollIntervalMs?: number;
  leaseTtlMs?: number;
  stopTimeoutMs?: number;
}

// Per runtime: several apps may run in one process (tests), each with its own relays.
const contexts = new WeakMap<Runtime, LogConsumer[]>();

/** The relays a runtime runs (tests, tools). */
export function relaysOf(runtime: Runtime): readonly LogConsumer[] {
  return contexts.get(runtime) ?? [];
}

/** Starts one relay per configured target as a runtime service. */
export async function installPublishers(runtime: Runtime, tuning: RelayTuning = {}): Promise<void> {
  const specs = relaySpecs(runtime.model, runtime.logger);
  const relays: LogConsumer[] = [];
  const metrics = specs.length > 0 ? new PublisherMetrics(runtime.metrics.registry) : undefined;
  contexts.set(runtime, relays);
  const env = {
    store: runtime.store,
    logger: runtime.logger,
    owner: newOwnerId(),
    bus: runtime.bus,
    metrics: ConsumerMetrics.of(runtime.metrics.registry),
    pollIntervalMs: tuning.pollIntervalMs ?? 500,
    leaseTtlMs: tuning.leaseTtlMs ?? runtime.model.projection_defaults.lease_ttl,
  };
  for (const spec of specs) {
    const publisher = spec.createPublisher();
    const relay = new LogConsumer(
      env,
      relayConsumer({
        name: spec.name,
        publisher,
        types: spec.types,
        policy: spec.policy,
        onError: spec.onError,
        store: runtime.store,
        logger: runtime.logger,
        upcaster: runtime.upcaster,
        metrics,
        batchSize: tuning.batchSize,
        partitions: spec.partitions,
        stopTimeoutMs: tuning.stopTimeoutMs,
        tracing: runtime.tracing,
      }),
    );
    relays.push(relay);
    registerConsumer(runtime, relay);
    await runtime.addService({ name: `relay ${spec.name}`, start: () => relay.start(), stop: () => relay.stop() });
  }
}

export const publishersFeature: Feature = {
  name: 'publishers',
  install: (runtime) => installPublishers(runtime),
};
