/** `publishers` and `subscribers`: the transactional outbox to brokers and webhooks (SPEC §8). */
import { z } from 'zod';
import { duration, ignored, retryPolicy } from './primitives.js';

const policy = retryPolicy.default({ max_retries: 3, backoff_multiplier: 2, initial_delay: 100, max_delay: 30_000 });

export const kafkaSchema = z.strictObject({
  brokers: z.array(z.string()).min(1).describe('broker addresses'),
  topic_prefix: z.string().default('events.').describe('topic = prefix + aggregate type'),
  client_id: z.string().default('tusk-es'),
  events: z.array(z.string()).default(['*']).describe('event types to publish ("*" = all)'),
  retry_policy: policy,
  partitioning: ignored,
});

export const rabbitmqSchema = z.strictObject({
  url: z.string().optional().describe('amqp:// URL'),
  host: z.string().optional().describe('host, when no url'),
  port: z.number().int().default(5672),
  username: z.string().optional(),
  password: z.string().optional(),
  exchange: z.string().default('events').describe('topic exchange; routing key = event type'),
  events: z.array(z.string()).default(['*']),
  retry_policy: policy,
  routing_key: ignored,
});

export const webhooksSchema = z.strictObject({
  endpoints: z.array(z.string()).min(1).describe('URLs that receive each event as JSON'),
  secret: z.string().optional().describe('HMAC-SHA256 key for the X-Tusk-Signature header'),
  timeout: duration.default(10_000),
  events: z.array(z.string()).default(['*']),
  retry_policy: policy,
});

export const publishersSchema = z
  .strictObject({
    kafka: kafkaSchema.optional(),
    rabbitmq: rabbitmqSchema.optional(),
    webhooks: webhooksSchema.optional(),
  })
  .default({});

export type PublishersConfig = z.infer<typeof publishersSchema>;

export const subscriberSchema = z.strictObject({
  events: z.array(z.string()).default(['*']).describe('event types ("*" = all)'),
  webhook: z.string().optional().describe('URL to POST each event to'),
  queue: z.string().optional().describe('RabbitMQ queue to send each event to'),
  topic: z.string().optional().describe('Kafka topic to send each event to'),
  secret: z.string().optional(),
  retry_policy: policy,
  handler: z.string().optional().describe('user code (not supported: check says what to use instead)'),
});

export type SubscriberConfig = z.infer<typeof subscriberSchema>;

export const subscribersSchema = z.record(z.string(), subscriberSchema).default({});
