/** `publishers` and `subscribers`: the transactional outbox to brokers and webhooks (SPEC §8). */
import { z } from 'zod';
import { duration, ignored, int, onError, partitions, retryPolicy } from './primitives.js';

const policy = retryPolicy
  .default({ max_retries: 3, backoff_multiplier: 2, initial_delay: 100, max_delay: 30_000 })
  .describe('retries of a failed delivery (then a dead letter); an unreachable broker is waited for instead');

// http(s) only: a webhook to file:// or ftp:// is a config mistake, reported where it was written.
const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });

const relayOnError = onError.default('skip');

const eventsFilter = z.array(z.string()).min(1).default(['*']).describe('event types to deliver ("*" = all)');

export const kafkaSchema = z.strictObject({
  brokers: z.array(z.string()).min(1).describe('broker addresses (host:port)'),
  topic_prefix: z.string().default('events.').describe('topic = prefix + aggregate type'),
  client_id: z.string().default('tusk-es').describe('Kafka client id'),
  events: eventsFilter,
  personal_data: z.boolean().optional().describe('deliver events with personal fields (opened; redacted once their subject is forgotten)'),
  timeout: duration.default(30_000).describe('how long one send may wait for the brokers (acks = all)'),
  retry_policy: policy,
  partitions,
  on_error: relayOnError,
  partitioning: ignored,
});

export const rabbitmqSchema = z
  .strictObject({
    url: z.string().optional().describe('amqp:// URL (instead of host, port, username, password)'),
    host: z.string().optional().describe('host, when no url'),
    port: int.default(5672).describe('port, when no url'),
    username: z.string().optional().describe('user name, when no url (default guest)'),
    password: z.string().optional().describe('password, when no url (default guest)'),
    vhost: z.string().optional().describe('virtual host, when no url'),
    exchange: z.string().min(1).default('events').describe('durable topic exchange; routing key = event type'),
    events: eventsFilter,
    personal_data: z
      .boolean()
      .optional()
      .describe('deliver events with personal fields (opened; redacted once their subject is forgotten)'),
    timeout: duration.default(30_000).describe('how long a publish may wait for the broker confirm'),
    retry_policy: policy,
    partitions,
    on_error: relayOnError,
    routing_key: ignored,
  })
  .refine((c) => c.url !== undefined || c.host !== undefined, 'RabbitMQ needs url = "amqp://…" or host = "…"');

export const webhooksSchema = z.strictObject({
  endpoints: z.array(httpUrl).min(1).describe('URLs that receive each event as a JSON POST'),
  secret: z.string().optional().describe('HMAC-SHA256 key: adds X-Tusk-Signature and X-Tusk-Timestamp headers'),
  timeout: duration.default(10_000).describe('how long one POST may take'),
  events: eventsFilter,
  personal_data: z.boolean().optional().describe('deliver events with personal fields (opened; redacted once their subject is forgotten)'),

  retry_policy: policy,
  partitions,
  on_error: relayOnError,
});

export const publishersSchema = z
  .strictObject({
    kafka: kafkaSchema.optional(),
    rabbitmq: rabbitmqSchema.optional(),
    webhooks: webhooksSchema.optional(),
  })
  .default({});

export type PublishersConfig = z.infer<typeof publishersSchema>;
export type KafkaConfig = z.infer<typeof kafkaSchema>;
export type RabbitmqConfig = z.infer<typeof rabbitmqSchema>;
export type WebhooksConfig = z.infer<typeof webhooksSchema>;

export const subscriberSchema = z.strictObject({
  events: eventsFilter,
  personal_data: z.boolean().optional().describe('deliver events with personal fields (opened; redacted once their subject is forgotten)'),

  webhook: httpUrl.optional().describe('URL to POST each event to'),
  queue: z.string().min(1).optional().describe('durable RabbitMQ queue to send each event to'),
  topic: z.string().min(1).optional().describe('Kafka topic to send each event to (key = aggregate id)'),
  url: z.string().optional().describe('amqp:// URL for `queue` (default: the connection of publishers.rabbitmq)'),
  brokers: z.array(z.string()).min(1).optional().describe('Kafka brokers for `topic` (default: publishers.kafka.brokers)'),
  secret: z.string().optional().describe('HMAC-SHA256 key of a `webhook` subscriber'),
  timeout: duration.default(10_000).describe('how long one delivery may take'),
  retry_policy: policy,
  partitions,
  on_error: relayOnError,
  handler: z.string().optional().describe('user code (not supported: check says what to use instead)'),
});

export type SubscriberConfig = z.infer<typeof subscriberSchema>;

export const subscribersSchema = z.record(z.string(), subscriberSchema).default({});
