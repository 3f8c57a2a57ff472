/**
 * RabbitMQ against a real rabbitmq-server: the delivery suite (with a broker restart mid-run),
 * the message format (persistent, routing key = event type, headers), and a queue subscriber.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../support/postgres.js';
import { startRabbit, type RabbitServer } from '../support/rabbitmq.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { deliveryContract } from './deliveryContract.js';
import { FAST_RETRIES, deliveryModel } from './deliveryModel.js';
import { eventually } from './helpers.js';
import { consumeQueue, type RabbitConsumer } from './rabbitConsumer.js';

let rabbit: RabbitServer;
beforeAll(async () => {
  rabbit = await startRabbit();
});
afterAll(async () => {
  await rabbit?.close();
});

deliveryContract(
  'rabbitmq',
  async () => {
    // The queue is bound before any event flows: an exchange drops what no queue is bound to.
    const consumer = await consumeQueue(rabbit.url, 'contract', 'events');
    return {
      relay: 'rabbitmq',
      config: { publishers: { rabbitmq: { url: rabbit.url, exchange: 'events', timeout: '5s', retry_policy: FAST_RETRIES } } },
      received: () => consumer.received,
      // The consumer reconnects by itself; the durable queue keeps what arrived meanwhile.
      outage: { stop: () => rabbit.stop(), start: () => rabbit.start() },
      close: () => consumer.close(),
    };
  },
  { timeoutMs: 90_000 },
);

describe('rabbitmq messages and queue subscribers', () => {
  let app: TestApp;
  let exchangeConsumer: RabbitConsumer;
  let queueConsumer: RabbitConsumer;

  beforeAll(async () => {
    exchangeConsumer = await consumeQueue(rabbit.url, 'format', 'shop');
    queueConsumer = await consumeQueue(rabbit.url, 'deposits');
    const { hostname, port } = new URL(rabbit.url);
    const model = deliveryModel(await createTestDatabase(inject('pgUrl')), {
      // host/port/username/password instead of url, as seed 000 writes it
      publishers: {
        rabbitmq: {
          host: hostname,
          port: Number(port),
          username: 'guest',
          password: 'guest',
          exchange: 'shop',
          retry_policy: FAST_RETRIES,
        },
      },
      subscribers: { deposits_only: { events: ['Deposited'], queue: 'deposits', retry_policy: FAST_RETRIES } },
    });
    app = await startTestApp(model);
  });
  afterAll(async () => {
    await app?.close();
    await exchangeConsumer?.close();
    await queueConsumer?.close();
  });

  it('persistent JSON messages routed by event type, with the envelope in headers and properties', async () => {
    const opened = await app.api('POST', '/aggregates/account/fmt/commands/Open', {}, { 'x-correlation-id': 'corr-1' });
    expect(opened.status).toBe(200);
    const event = opened.body.events[0];
    await eventually(() => exchangeConsumer.received.some((e) => e.id === event.id), 'the message');
    const i = exchangeConsumer.received.findIndex((e) => e.id === event.id);
    expect(exchangeConsumer.received[i]).toEqual(event);
    const { routingKey, properties } = exchangeConsumer.messages[i]!;
    expect(routingKey).toBe('AccountOpened');
    expect(properties).toMatchObject({
      deliveryMode: 2,
      contentType: 'application/json',
      messageId: event.id,
      type: 'AccountOpened',
      appId: 'tusk-es',
    });
    expect(properties.correlationId).toBe(event.metadata.correlation_id);
    expect(properties.headers).toMatchObject({
      event_id: event.id,
      event_type: 'AccountOpened',
      aggregate_type: 'account',
      aggregate_id: 'fmt',
      version: '1',
      event_version: '1',
      position: String(event.position),
    });
  });

  it('a queue subscriber receives only its event types, through the rabbitmq publisher connection', async () => {
    const ids: string[] = [];
    for (const body of [{}, { amount: 5 }, { text: 'hello' }, { amount: 7 }]) {
      const command = 'amount' in body ? 'Deposit' : 'text' in body ? 'Note' : 'Open';
      const res = await app.api('POST', `/aggregates/account/sub/commands/${command}`, body);
      expect(res.status).toBe(200);
      if (command === 'Deposit') ids.push(res.body.events[0].id);
    }
    await eventually(() => queueConsumer.received.length >= 2, 'two deposits in the queue');
    await new Promise((r) => setTimeout(r, 300));
    expect(queueConsumer.received.map((e) => e.id)).toEqual(ids);
    expect(queueConsumer.received.map((e) => e.data)).toEqual([{ amount: 5 }, { amount: 7 }]);
  });
});
