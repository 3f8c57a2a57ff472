/**
 * Publishers and subscribers (SPEC §8): one relay per target follows the event log (the
 * outbox) and delivers to Kafka, RabbitMQ or a webhook; dead letters are listed and retried
 * over HTTP.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Feature } from '../runtime/Feature.js';
import type { Runtime } from '../runtime/Runtime.js';
import { registerDeadLetterRoutes, type DeadLetterContext } from './deadLetters/deadLetterRoutes.js';
import type { Publisher } from './Publisher.js';
import { PublisherMetrics } from './PublisherMetrics.js';
import { Relay, type RelayOptions } from './Relay.js';
import { relaySpecs } from './relaySpecs.js';

/** Tuning of the relays (tests shorten the intervals). */
export type RelayTuning = Pick<RelayOptions, 'batchSize' | 'pollIntervalMs' | 'leaseTtlMs' | 'stopTimeoutMs'>;

// Per runtime: several apps may run in one process (tests), each with its own relays.
const contexts = new WeakMap<Runtime, DeadLetterContext & { relays: Relay[] }>();

/** The relays a runtime runs (tests, tools). */
export function relaysOf(runtime: Runtime): readonly Relay[] {
  return contexts.get(runtime)?.relays ?? [];
}

/** Starts one relay per configured target as a runtime service. */
export async function installPublishers(runtime: Runtime, tuning: RelayTuning = {}): Promise<void> {
  const specs = relaySpecs(runtime.model, runtime.logger);
  const publishers = new Map<string, Publisher>();
  const relays: Relay[] = [];
  const metrics = specs.length > 0 ? new PublisherMetrics(runtime.metrics.registry) : undefined;
  contexts.set(runtime, { publishers, metrics, relays });
  const owner = `${hostname()}:${process.pid}:${randomUUID()}`;
  for (const spec of specs) {
    const publisher = spec.createPublisher();
    const relay = new Relay({
      ...tuning,
      name: spec.name,
      publisher,
      types: spec.types,
      policy: spec.policy,
      store: runtime.store,
      upcaster: runtime.upcaster,
      bus: runtime.bus,
      logger: runtime.logger,
      owner,
      ...(metrics !== undefined ? { metrics } : {}),
    });
    publishers.set(spec.name, publisher);
    relays.push(relay);
    await runtime.addService({ name: `relay ${spec.name}`, start: () => relay.start(), stop: () => relay.stop() });
  }
}

export const publishersFeature: Feature = {
  name: 'publishers',
  install: (runtime) => installPublishers(runtime),
  routes: (app, runtime) => registerDeadLetterRoutes(app, runtime, () => contexts.get(runtime) ?? { publishers: new Map() }),
};
