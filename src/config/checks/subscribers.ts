/**
 * Subscribers deliver to exactly one webhook, queue or topic; `handler` classes are user code
 * (SPEC §8). A queue or topic needs a broker connection: the subscriber's own (`url`,
 * `brokers`) or the one of `publishers.rabbitmq` / `publishers.kafka`.
 */
import { isPlainObject } from '../paths.js';
import type { CheckContext } from './context.js';

const TARGETS = 'webhook = "https://…", queue = "…" (RabbitMQ) or topic = "…" (Kafka)';

/** Reports subscribers with user code, with no or several targets, or with no broker to reach. */
export function checkSubscribers(ctx: CheckContext): void {
  const publishers = isPlainObject(ctx.tree.value.publishers) ? ctx.tree.value.publishers : {};
  for (const [name, sub] of Object.entries(ctx.model.subscribers)) {
    const base = ['subscribers', name];
    const targets = (['webhook', 'queue', 'topic'] as const).filter((t) => sub[t] !== undefined);
    if (sub.handler !== undefined) {
      ctx.error(
        'CONFIG_USER_CODE',
        `handler "${sub.handler}" is user code, which tusk-es cannot run; deliver the events with ${TARGETS} instead`,
        [...base, 'handler'],
      );
    } else if (targets.length === 0) {
      ctx.error('CONFIG_INVALID', `a subscriber needs ${TARGETS}`, base, { key: true });
    } else if (targets.length > 1) {
      ctx.error(
        'CONFIG_INVALID',
        `a subscriber delivers to one target, not ${targets.join(' and ')}; declare one subscriber per target`,
        [...base, targets[1]!],
        { key: true },
      );
    }
    if (sub.queue !== undefined && sub.url === undefined && publishers.rabbitmq === undefined) {
      ctx.error('CONFIG_REFERENCE', 'queue needs a RabbitMQ connection: set url = "amqp://…" here or declare publishers.rabbitmq', [
        ...base,
        'queue',
      ]);
    }
    if (sub.topic !== undefined && sub.brokers === undefined && publishers.kafka === undefined) {
      ctx.error('CONFIG_REFERENCE', 'topic needs Kafka brokers: set brokers = ["host:9092"] here or declare publishers.kafka', [
        ...base,
        'topic',
      ]);
    }
  }
}
