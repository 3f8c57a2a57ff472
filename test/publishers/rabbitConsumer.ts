/** A test consumer of one durable RabbitMQ queue that reconnects after broker restarts. */
import amqp, { type ChannelModel } from 'amqplib';
import type { EventJson } from '../../src/engine/toEventJson.js';

/** Messages received from a queue. */
export interface RabbitConsumer {
  received: EventJson[];
  /** Raw messages (headers, properties) in arrival order. */
  messages: { routingKey: string; properties: amqp.MessageProperties; redelivered: boolean }[];
  close(): Promise<void>;
}

/**
 * Declares `queue` (durable), binds it to `exchange` (when given) for every routing key, and
 * consumes it with manual acks, reconnecting while the broker is away.
 */
export async function consumeQueue(url: string, queue: string, exchange?: string): Promise<RabbitConsumer> {
  const consumer: RabbitConsumer = { received: [], messages: [], close: async () => undefined };
  let connection: ChannelModel | undefined;
  let closed = false;
  const connect = async (): Promise<void> => {
    const conn = await amqp.connect(url);
    conn.on('error', () => undefined);
    const ch = await conn.createChannel();
    ch.on('error', () => undefined);
    if (exchange !== undefined) await ch.assertExchange(exchange, 'topic', { durable: true });
    await ch.assertQueue(queue, { durable: true });
    if (exchange !== undefined) await ch.bindQueue(queue, exchange, '#');
    await ch.consume(queue, (msg) => {
      if (msg === null) return;
      consumer.received.push(JSON.parse(msg.content.toString('utf8')) as EventJson);
      consumer.messages.push({ routingKey: msg.fields.routingKey, properties: msg.properties, redelivered: msg.fields.redelivered });
      ch.ack(msg);
    });
    connection = conn;
    conn.on('close', () => {
      connection = undefined;
      if (!closed) void reconnect();
    });
  };
  const reconnect = async () => {
    while (!closed) {
      try {
        await connect();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };
  await connect();
  consumer.close = async () => {
    closed = true;
    await connection?.close().catch(() => undefined);
  };
  return consumer;
}
