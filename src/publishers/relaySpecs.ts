/**
 * The relays of an app, from `publishers` and `subscribers`: one per Kafka cluster, RabbitMQ
 * exchange, webhook endpoint and subscriber, each with its own checkpoint, so a slow or dead
 * target never holds the others back.
 */
import type { Logger } from 'pino';
import type { AppConfig } from '../config/schema/app.js';
import type { SubscriberConfig } from '../config/schema/publishers.js';
import type { OnError } from '../consumers/poison.js';
import type { RetryPolicy } from './backoff.js';
import { eventTypes } from './eventTypes.js';
import { KafkaPublisher } from './kafka/KafkaPublisher.js';
import { prefixTopics } from './kafka/kafkaMessage.js';
import type { Publisher } from './Publisher.js';
import { RabbitPublisher } from './rabbitmq/RabbitPublisher.js';
import { rabbitUrl } from './rabbitmq/rabbitUrl.js';
import { WebhookPublisher, redactUrl } from './webhooks/WebhookPublisher.js';

/** One relay to build. */
export interface RelaySpec {
  name: string;
  types: readonly string[] | undefined;
  policy: RetryPolicy;
  /** Partitions of the relay (see src/consumers/Fleet.ts). */
  partitions: number;
  onError: OnError;
  createPublisher(): Publisher;
}

/**
 * Relay names: `kafka`, `rabbitmq`, `webhooks:<endpoint without credentials or query>` and
 * `subscriber:<name>`. They name checkpoints, leases, dead letters and metric labels, so they
 * must stay stable across restarts: renaming one starts it again from the beginning of the log.
 */
export function relaySpecs(model: AppConfig, logger?: Logger): RelaySpec[] {
  const specs: RelaySpec[] = [];
  const { kafka, rabbitmq, webhooks } = model.publishers;
  const log = (name: string) => logger?.child({ relay: name });
  if (kafka !== undefined) {
    specs.push({
      name: 'kafka',
      types: eventTypes(kafka.events),
      policy: kafka.retry_policy,
      partitions: kafka.partitions ?? 1,
      onError: kafka.on_error,
      createPublisher: () =>
        new KafkaPublisher({
          brokers: kafka.brokers,
          clientId: kafka.client_id,
          topicOf: prefixTopics(kafka.topic_prefix),
          timeoutMs: kafka.timeout,
          name: 'kafka',
          ...opt('logger', log('kafka')),
        }),
    });
  }
  if (rabbitmq !== undefined) {
    specs.push({
      name: 'rabbitmq',
      types: eventTypes(rabbitmq.events),
      policy: rabbitmq.retry_policy,
      partitions: rabbitmq.partitions ?? 1,
      onError: rabbitmq.on_error,
      createPublisher: () =>
        new RabbitPublisher({
          url: rabbitUrl(rabbitmq),
          target: { exchange: rabbitmq.exchange },
          timeoutMs: rabbitmq.timeout,
          ...opt('logger', log('rabbitmq')),
        }),
    });
  }
  if (webhooks !== undefined) {
    const taken = new Set<string>();
    for (const url of webhooks.endpoints) {
      let name = `webhooks:${redactUrl(url)}`;
      for (let n = 2; taken.has(name); n++) name = `webhooks:${redactUrl(url)}#${n}`;
      taken.add(name);
      specs.push({
        name,
        types: eventTypes(webhooks.events),
        policy: webhooks.retry_policy,
        partitions: webhooks.partitions ?? 1,
        onError: webhooks.on_error,
        createPublisher: () => new WebhookPublisher({ url, secret: webhooks.secret, timeoutMs: webhooks.timeout }),
      });
    }
  }
  for (const [name, sub] of Object.entries(model.subscribers)) {
    const publisher = subscriberPublisher(model, name, sub, log(`subscriber:${name}`));
    if (publisher === undefined) continue;
    specs.push({
      name: `subscriber:${name}`,
      types: eventTypes(sub.events),
      policy: sub.retry_policy,
      partitions: sub.partitions ?? 1,
      onError: sub.on_error,
      createPublisher: publisher,
    });
  }
  return specs;
}

/** How a subscriber delivers; undefined for one `check` rejects (a handler, no target). */
function subscriberPublisher(
  model: AppConfig,
  name: string,
  sub: SubscriberConfig,
  logger: Logger | undefined,
): (() => Publisher) | undefined {
  if (sub.handler !== undefined) return undefined;
  if (sub.webhook !== undefined) {
    const url = sub.webhook;
    return () => new WebhookPublisher({ url, secret: sub.secret, timeoutMs: sub.timeout });
  }
  if (sub.queue !== undefined) {
    const queue = sub.queue;
    const rabbit = model.publishers.rabbitmq;
    const url = sub.url !== undefined ? rabbitUrl({ url: sub.url, port: 5672 }) : rabbit !== undefined ? rabbitUrl(rabbit) : undefined;
    if (url === undefined) return undefined;
    return () => new RabbitPublisher({ url, target: { queue }, timeoutMs: sub.timeout, ...opt('logger', logger) });
  }
  if (sub.topic !== undefined) {
    const topic = sub.topic;
    const brokers = sub.brokers ?? model.publishers.kafka?.brokers;
    if (brokers === undefined) return undefined;
    const clientId = model.publishers.kafka?.client_id ?? 'tusk-es';
    return () =>
      new KafkaPublisher({
        brokers,
        clientId,
        topicOf: () => topic,
        timeoutMs: sub.timeout,
        name: `subscriber:${name}`,
        ...opt('logger', logger),
      });
  }
  return undefined;
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
