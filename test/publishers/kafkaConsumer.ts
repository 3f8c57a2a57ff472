/**
 * A test consumer of one Kafka topic, in a consumer group of its own, that survives broker
 * restarts: a consumer kafkajs gives up on ("will not restart") is replaced by a new one.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import type { EventJson } from '../../src/engine/toEventJson.js';

/** What a topic's consumer received. */
export interface KafkaConsumer {
  received: EventJson[];
  /** True when it has read every message the brokers hold now (each partition's high watermark). */
  caughtUp(): Promise<boolean>;
  /** Leaves the group (before its brokers are replaced by empty ones). */
  pause(): Promise<void>;
  /** Joins again as a new member, from the start of the (new) log. */
  resume(): Promise<void>;
  close(): Promise<void>;
}

/** Consumes `topic` from the beginning; checks that each message's key is its aggregate id. */
export async function consumeTopic(brokers: string[], topic: string): Promise<KafkaConsumer> {
  const kafka = new Kafka({ clientId: 'tusk-es-test', brokers, logLevel: logLevel.NOTHING, retry: { retries: 10, maxRetryTime: 2_000 } });
  const groupId = `tusk-test-${randomUUID()}`;
  const received: EventJson[] = [];
  // The offset after the last message read, per partition.
  const next = new Map<number, number>();
  let consumer: Consumer | undefined;
  let closed = false;
  let paused = false;

  const start = async (): Promise<void> => {
    const c = kafka.consumer({ groupId, retry: { retries: 10, maxRetryTime: 2_000 } });
    consumer = c;
    c.on(c.events.CRASH, (event) => {
      if (event.payload.restart || closed || paused || consumer !== c) return;
      void c.disconnect().catch(() => undefined);
      void restart();
    });
    await c.connect();
    await c.subscribe({ topic, fromBeginning: true });
    await c.run({
      eachMessage: async ({ partition, message }) => {
        const event = JSON.parse(String(message.value)) as EventJson;
        // key = aggregate id: one aggregate stays on one partition, so its order holds.
        if (String(message.key) !== event.aggregate_id) throw new Error(`message key ${String(message.key)} is not ${event.aggregate_id}`);
        received.push(event);
        next.set(partition, Number(message.offset) + 1);
      },
    });
  };
  const restart = async (): Promise<void> => {
    while (!closed && !paused) {
      try {
        await start();
        return;
      } catch {
        await consumer?.disconnect().catch(() => undefined);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };

  await start();
  return {
    received,
    async caughtUp() {
      const admin = kafka.admin();
      try {
        await admin.connect();
        const offsets = await admin.fetchTopicOffsets(topic);
        return offsets.every((o) => Number(o.high) <= (next.get(o.partition) ?? 0));
      } catch {
        return false;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
    // A member that kept fetching across the swap would go on at its offset in the old log,
    // which in the new, shorter one points past messages it never read.
    async pause() {
      paused = true;
      await consumer?.disconnect().catch(() => undefined);
      consumer = undefined;
    },
    async resume() {
      next.clear();
      paused = false;
      await restart();
    },
    async close() {
      closed = true;
      await consumer?.disconnect().catch(() => undefined);
    },
  };
}
