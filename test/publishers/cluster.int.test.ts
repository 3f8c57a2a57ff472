/**
 * Two apps sharing one PostgreSQL (a cluster): each relay runs in one of them only (a lease),
 * so events are not delivered twice; when that app stops, the other takes over where it left off.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../support/postgres.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { FAST_RETRIES, deliveryModel } from './deliveryModel.js';
import { eventually } from './helpers.js';
import { startReceiver, type WebhookReceiver } from './webhookReceiver.js';

let receiver: WebhookReceiver;
let a: TestApp;
let b: TestApp;

beforeAll(async () => {
  receiver = await startReceiver();
  const model = deliveryModel(await createTestDatabase(inject('pgUrl')), {
    publishers: { webhooks: { endpoints: [receiver.url], retry_policy: FAST_RETRIES } },
  });
  a = await startTestApp(model);
  b = await startTestApp(model);
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await receiver?.close();
});

describe('relays in a cluster', () => {
  it('deliver each event once although both apps run the relay, and fail over when the holder stops', async () => {
    const ids: string[] = [];
    const command = async (app: TestApp, path: string, body: unknown) => {
      const res = await app.api('POST', path, body);
      expect(res.status).toBe(200);
      ids.push(res.body.events[0].id);
    };
    await command(a, '/aggregates/account/c1/commands/Open', {});
    for (let i = 0; i < 20; i++) await command(i % 2 === 0 ? a : b, '/aggregates/account/c1/commands/Deposit', { amount: i });
    await eventually(() => receiver.accepted().length >= ids.length, 'all events');
    await new Promise((r) => setTimeout(r, 1_000)); // time for a second relay to deliver again, if it did
    expect(receiver.accepted().map((e) => e.id)).toEqual(ids);

    // Whichever app holds the lease stops; the other one carries on from the checkpoint.
    const holder = receiver.requests.length > 0 && (await delivered(a)) > 0 ? a : b;
    const other = holder === a ? b : a;
    await holder.close();
    for (let i = 0; i < 5; i++) await command(other, '/aggregates/account/c1/commands/Deposit', { amount: 100 + i });
    await eventually(() => receiver.accepted().length >= ids.length, 'the events after the failover', 30_000);
    expect(receiver.accepted().map((e) => e.id)).toEqual(ids);
    expect(await delivered(other)).toBe(5);
  });
});

async function delivered(app: TestApp): Promise<number> {
  const text = (await app.api('GET', '/metrics')).body as string;
  return Number(/tusk_publisher_delivered_total\{relay="[^"]+"\} (\d+)/.exec(text)?.[1] ?? 0);
}
