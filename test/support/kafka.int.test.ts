/**
 * The Kafka mock the delivery suite relies on: what kafkajs needs from it (a controller among
 * its brokers, so an idempotent producer starts; the topics of the command line), `hold()`,
 * and a restart on the same ports.
 */
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafkaMock, type KafkaMock } from './kafka.js';

describe('Kafka mock cluster', () => {
  let mock: KafkaMock;
  let kafka: Kafka;
  beforeAll(async () => {
    mock = await startKafkaMock({ topics: [{ name: 'smoke', partitions: 2 }], brokers: 2 });
    kafka = new Kafka({
      clientId: 'smoke',
      brokers: mock.brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 2, initialRetryTime: 100 },
    });
  });
  afterAll(async () => {
    await mock?.close();
  });

  const produce = async (value: string) => {
    const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 2, initialRetryTime: 100 } });
    await producer.connect();
    try {
      await producer.send({ topic: 'smoke', acks: -1, messages: [{ key: 'k', value }] });
    } finally {
      await producer.disconnect();
    }
  };
  const highWatermarks = async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return (await admin.fetchTopicOffsets('smoke')).map((o) => Number(o.high)).reduce((a, b) => a + b, 0);
    } finally {
      await admin.disconnect();
    }
  };

  it('names a controller among its brokers, so an idempotent producer can get its id', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const cluster = await admin.describeCluster();
    await admin.disconnect();
    expect(cluster.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2]);
    expect(cluster.brokers.map((b) => `${b.host}:${b.port}`).sort()).toEqual([...mock.brokers].sort());
    expect(cluster.controller).toBe(1);
    await produce('one');
    expect(await highWatermarks()).toBe(1);
  });

  it('hold() refuses produces; after stop() and start() it is empty and answers on the same ports', async () => {
    await mock.hold();
    await expect(produce('refused')).rejects.toThrow();
    expect(await highWatermarks()).toBe(1);
    await mock.stop();
    await mock.start();
    expect(await highWatermarks()).toBe(0);
    await produce('two');
    expect(await highWatermarks()).toBe(1);
  });
});
