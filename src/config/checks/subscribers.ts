/** Subscribers deliver to a webhook, a queue or a topic; `handler` classes are user code (SPEC §8). */
import type { CheckContext } from './context.js';

/** A subscriber with `handler` is an error that says what to write; one with no target too. */
export function checkSubscribers(ctx: CheckContext): void {
  for (const [name, sub] of Object.entries(ctx.model.subscribers)) {
    const base = ['subscribers', name];
    const targets = [sub.webhook, sub.queue, sub.topic].filter((t) => t !== undefined).length;
    if (sub.handler !== undefined) {
      ctx.error(
        'CONFIG_USER_CODE',
        `handler "${sub.handler}" is user code, which tusk-es cannot run; deliver the events with webhook = "https://…", queue = "…" (RabbitMQ) or topic = "…" (Kafka) instead`,
        [...base, 'handler'],
      );
    } else if (targets === 0) {
      ctx.error('CONFIG_INVALID', 'a subscriber needs webhook = "https://…", queue = "…" or topic = "…"', base, { key: true });
    }
  }
}
