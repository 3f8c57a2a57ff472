/** Publishers and subscribers (SPEC §8): the outbox relay to Kafka, RabbitMQ and webhooks. */
import type { Feature } from '../runtime/Feature.js';

export const publishersFeature: Feature = { name: 'publishers' };
