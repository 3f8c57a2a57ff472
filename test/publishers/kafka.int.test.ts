/**
 * Kafka: the delivery suite against a real cluster when KAFKA_BROKERS is set (host:port,…).
 * There is no Kafka the test setup can start, so without it the suite is skipped and says so.
 * (The message mapping is covered without a broker by kafkaMessage.unit.test.ts.)
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { describe, it } from 'vitest';
import type { EventJson } from '../../src/engine/toEventJson.js';
import { deliveryContract } from './deliveryContract.js';
import { FAST_RETRIES } from './deliveryModel.js';

const brokers = process.env.KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter((b) => b !== '');

if (brokers === undefined || brokers.length === 0) {
  console.info('[kafka] delivery suite SKIPPED: set KAFKA_BROKERS=host:9092 to run it against a real Kafka cluster');
  describe('kafka: delivery', () => {
    it.skip('needs KAFKA_BROKERS (a real Kafka cluster)', () => undefined);
  });
} else {
  deliveryContract(
    'kafka',
    async () => {
      // A topic prefix of its own per run, so old messages of earlier runs are not read.
      const prefix = `tusk-test-${randomUUID().slice(0, 8)}.`;
      const topic = `${prefix}account`;
      const kafka = new Kafka({ clientId: 'tusk-es-test', brokers, logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
      await admin.disconnect();
      const received: EventJson[] = [];
      const consumer: Consumer = kafka.consumer({ groupId: `tusk-test-${randomUUID()}` });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const event = JSON.parse(String(message.value)) as EventJson;
          // key = aggregate id: one aggregate stays on one partition, so its order holds.
          if (String(message.key) !== event.aggregate_id) throw new Error(`message key ${String(message.key)} is not ${event.aggregate_id}`);
          received.push(event);
        },
      });
      return {
        relay: 'kafka',
        config: { publishers: { kafka: { brokers, topic_prefix: prefix, timeout: '10s', retry_policy: FAST_RETRIES } } },
        received: () => received,
        close: () => consumer.disconnect(),
      };
    },
    { timeoutMs: 120_000 },
  );
}
