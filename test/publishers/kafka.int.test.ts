/**
 * Kafka: the delivery suite against a Kafka-protocol broker. By default that is librdkafka's
 * mock cluster (test/support/kafka.ts), with a broker restart in the middle of a run; with
 * KAFKA_BROKERS=host:port,… it is that external cluster (no restart: the test cannot stop it).
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { startKafkaMock } from '../support/kafka.js';
import { waitUntil } from '../support/processes.js';
import { deliveryContract, type DeliveryTarget } from './deliveryContract.js';
import { FAST_RETRIES } from './deliveryModel.js';
import { consumeTopic, type KafkaConsumer } from './kafkaConsumer.js';

const external = process.env.KAFKA_BROKERS?.split(',')
  .map((b) => b.trim())
  .filter((b) => b !== '');
const PARTITIONS = 3;

/** A target publishing to `<prefix>account` on `brokers`, read by a consumer group of the test. */
async function target(
  brokers: string[],
  prefix: string,
  outage?: DeliveryTarget['outage'],
): Promise<DeliveryTarget & { consumer: KafkaConsumer }> {
  const consumer = await consumeTopic(brokers, `${prefix}account`);
  return {
    relay: 'kafka',
    config: { publishers: { kafka: { brokers, topic_prefix: prefix, timeout: '10s', retry_policy: FAST_RETRIES } } },
    received: () => consumer.received,
    consumer,
    ...(outage === undefined ? {} : { outage }),
    close: () => consumer.close(),
  };
}

if (external !== undefined && external.length > 0) {
  deliveryContract(
    `kafka (${external.join(',')})`,
    async () => {
      // A topic prefix of its own per run, so old messages of earlier runs are not read.
      const prefix = `tusk-test-${randomUUID().slice(0, 8)}.`;
      const admin = new Kafka({ clientId: 'tusk-es-test', brokers: external, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: `${prefix}account`, numPartitions: PARTITIONS }], waitForLeaders: true });
      await admin.disconnect();
      return target(external, prefix);
    },
    { timeoutMs: 120_000 },
  );
} else {
  deliveryContract(
    'kafka (librdkafka mock cluster)',
    async () => {
      const prefix = 'tusk.';
      const mock = await startKafkaMock({ topics: [{ name: `${prefix}account`, partitions: PARTITIONS }] });
      let delivery: (DeliveryTarget & { consumer: KafkaConsumer }) | undefined;
      const outage = {
        // The mock's log dies with it: first let the consumer read all the broker acknowledged
        // (produces are refused meanwhile), as it would from a restarted broker's disk; then it
        // reads the new broker's log from its start.
        async stop() {
          await mock.hold();
          await waitUntil('the test consumer to read what the broker holds', () => delivery!.consumer.caughtUp(), { timeoutMs: 60_000 });
          await delivery!.consumer.pause();
          await mock.stop();
        },
        async start() {
          await mock.start();
          await delivery!.consumer.resume();
        },
      };
      try {
        delivery = await target(mock.brokers, prefix, outage);
      } catch (error) {
        await mock.close();
        throw error;
      }
      return {
        ...delivery,
        close: async () => {
          await delivery.close();
          await mock.close();
        },
      };
    },
    { timeoutMs: 120_000 },
  );
}
