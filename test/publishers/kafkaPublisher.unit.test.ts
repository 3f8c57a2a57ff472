/** The Kafka publisher without a cluster: an unreachable cluster is an outage, not a refusal. */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/publishers/DeliveryError.js';
import { KafkaPublisher } from '../../src/publishers/kafka/KafkaPublisher.js';
import { prefixTopics } from '../../src/publishers/kafka/kafkaMessage.js';
import { eventJson } from './eventJson.js';

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('kafka publisher', () => {
  it('rejects with an "unavailable" DeliveryError when no broker answers (the relay waits instead of dead-lettering)', async () => {
    const publisher = new KafkaPublisher({
      brokers: [`127.0.0.1:${await closedPort()}`],
      clientId: 't',
      topicOf: prefixTopics('e.'),
      timeoutMs: 500,
      name: 'kafka',
    });
    try {
      const error = await publisher.deliver([eventJson()]).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(DeliveryError);
      expect(error).toMatchObject({ code: 'PUBLISH_FAILED', delivered: 0, unavailable: true });
    } finally {
      await publisher.close();
    }
  }, 30_000);
});
