/**
 * Publishes to Kafka with kafkajs: an idempotent producer, acks from all in-sync replicas, one
 * request in flight (so retries cannot reorder a partition). The producer is made on first use
 * and made anew after a failure, so a cluster that comes back is simply used again.
 */
import type { Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { EventJson } from '../../engine/toEventJson.js';
import { DeliveryError } from '../DeliveryError.js';
import type { Publisher } from '../Publisher.js';
import { isKafkaRefusal, topicMessages, type TopicOf } from './kafkaMessage.js';

/** A Kafka cluster and how topics are named. */
export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  topicOf: TopicOf;
  /** Longest wait for one send (acks = all), in ms. */
  timeoutMs: number;
  /** For the logs. */
  name: string;
  logger?: Logger;
}

/** A Publisher to Kafka. */
export class KafkaPublisher implements Publisher {
  readonly target: string;
  private kafka: Kafka | undefined;
  private producer: Promise<Producer> | undefined;
  private closed = false;

  constructor(private readonly options: KafkaOptions) {
    this.target = `kafka ${options.name}`;
  }

  /** The client, made on first use: kafkajs is loaded then, not at every start of the app. */
  private async client(): Promise<{ kafka: Kafka; Partitioners: typeof import('kafkajs').Partitioners }> {
    const { Kafka, Partitioners, logLevel } = await import('kafkajs');
    const options = this.options;
    const logger = options.logger;
    this.kafka ??= new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      connectionTimeout: Math.min(options.timeoutMs, 10_000),
      requestTimeout: options.timeoutMs,
      // A few quick retries inside kafkajs; longer outages are waited out by the relay.
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5_000 },
      logLevel: logLevel.ERROR,
      logCreator: () => (entry) => logger?.warn({ kafka: entry.namespace, ...entry.log }, entry.log.message),
    });
    return { kafka: this.kafka, Partitioners };
  }

  /** Sends the events in one batch; all of it is acknowledged or none of it counts. */
  async deliver(events: readonly EventJson[]): Promise<void> {
    if (this.closed) throw new DeliveryError(`${this.target}: publisher closed`, 0, true);
    try {
      const producer = await this.connect();
      await producer.sendBatch({ acks: -1, timeout: this.options.timeoutMs, topicMessages: topicMessages(events, this.options.topicOf) });
    } catch (err) {
      const refused = isKafkaRefusal(err);
      if (!refused) await this.reset();
      throw new DeliveryError(`${this.target}: ${err instanceof Error ? err.message : String(err)}`, 0, !refused, err);
    }
  }

  private connect(): Promise<Producer> {
    this.producer ??= (async () => {
      // Bounded retries (an idempotent producer would otherwise retry forever and never let the
      // relay see the outage); a retry of ours may then duplicate a message, which at-least-once allows.
      const { kafka, Partitioners } = await this.client();
      const producer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5_000 },
        allowAutoTopicCreation: true,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      return producer;
    })();
    return this.producer;
  }

  private async reset(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.then((p) => p.disconnect()).catch(() => undefined);
  }

  /** Disconnects the producer for good. */
  async close(): Promise<void> {
    this.closed = true;
    await this.reset();
  }
}
