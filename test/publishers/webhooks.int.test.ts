/**
 * Webhooks against a real local HTTP receiver: the delivery suite (receiver down mid-run),
 * retries with backoff, signatures, timeouts, dead letters, and retrying them over the API.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../support/postgres.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { deliveryContract } from './deliveryContract.js';
import { FAST_RETRIES, deliveryModel } from './deliveryModel.js';
import { eventually } from './helpers.js';
import { startReceiver, type WebhookReceiver } from './webhookReceiver.js';

deliveryContract('webhooks', async () => {
  const receiver = await startReceiver();
  return {
    relay: `webhooks:${receiver.url}`,
    config: { publishers: { webhooks: { endpoints: [receiver.url], retry_policy: FAST_RETRIES } } },
    received: () => receiver.accepted(),
    outage: { stop: () => receiver.stop(), start: () => receiver.start() },
    close: () => receiver.close(),
  };
});

describe('webhook retries, signatures and dead letters', () => {
  const SECRET = 'webhook-secret-1';
  let receiver: WebhookReceiver;
  let app: TestApp;
  let relay: string;

  beforeAll(async () => {
    receiver = await startReceiver('/events');
    relay = `webhooks:${receiver.url}`;
    const model = deliveryModel(await createTestDatabase(inject('pgUrl')), {
      publishers: {
        webhooks: {
          endpoints: [receiver.url],
          secret: SECRET,
          timeout: '300ms',
          retry_policy: { max_retries: 3, backoff_multiplier: 2, initial_delay: '100ms', max_delay: '2s' },
        },
      },
    });
    app = await startTestApp(model);
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.close();
  });
  beforeEach(() => {
    receiver.answer = () => 200;
  });

  const command = async (id: string, name: string, body: unknown) => {
    const res = await app.api('POST', `/aggregates/account/${id}/commands/${name}`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.events[0];
  };
  const attemptsOf = (eventId: string) => receiver.requests.filter((r) => r.event.id === eventId);

  it('a receiver that fails the first attempts gets retries with growing delays, then the event', async () => {
    receiver.answer = (_req, attempt) => (attempt <= 2 ? 503 : 200);
    const event = await command('retry', 'Open', {});
    await eventually(() => receiver.accepted().some((e) => e.id === event.id), 'the event after two failures');
    const attempts = attemptsOf(event.id);
    expect(attempts).toHaveLength(3);
    const gaps = [attempts[1]!.at - attempts[0]!.at, attempts[2]!.at - attempts[1]!.at];
    // initial_delay 100 ms, then × 2
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[1]).toBeGreaterThanOrEqual(190);
  });

  it('every request is signed: sha256 HMAC of "<timestamp>.<raw body>", with a fresh timestamp', async () => {
    const event = await command('signed', 'Open', {});
    await eventually(() => attemptsOf(event.id).length > 0, 'the request');
    const { headers, raw } = attemptsOf(event.id)[0]!;
    const timestamp = String(headers['x-tusk-timestamp']);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    const expected = createHmac('sha256', SECRET).update(`${timestamp}.${raw}`).digest('hex');
    expect(headers['x-tusk-signature']).toBe(`sha256=${expected}`);
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-tusk-event-id']).toBe(event.id);
    expect(JSON.parse(raw)).toEqual(event);
  });

  it('a receiver that answers too late is retried like a failure', async () => {
    receiver.answer = (_req, attempt) => (attempt === 1 ? { status: 200, delayMs: 1_000 } : 200);
    const event = await command('slow', 'Open', {});
    await eventually(() => receiver.accepted().some((e) => e.id === event.id) && attemptsOf(event.id).length >= 2, 'the retried event');
    expect(attemptsOf(event.id).length).toBeGreaterThanOrEqual(2);
  });

  it('after max_retries the event becomes a dead letter, later events still flow, and the API retries it', async () => {
    receiver.answer = (req) => (req.event.type === 'Noted' ? 500 : 200);
    await command('dl', 'Open', {});
    const poison = await command('dl', 'Note', { text: 'x' });
    const after = await command('dl', 'Deposit', { amount: 3 });
    await eventually(() => receiver.accepted().some((e) => e.id === after.id), 'the event after the dead letter');
    expect(attemptsOf(poison.id)).toHaveLength(4); // 1 + max_retries

    const list = await app.api('GET', `/dead-letters?relay=${encodeURIComponent(relay)}`);
    expect(list.status).toBe(200);
    expect(list.body.dead_letters).toHaveLength(1);
    const letter = list.body.dead_letters[0];
    expect(letter).toMatchObject({
      relay,
      position: poison.position,
      event_id: poison.id,
      event_type: 'Noted',
      aggregate_type: 'account',
      aggregate_id: 'dl',
      attempts: 4,
    });
    expect(letter.error).toMatch(/answered 500/);
    expect(letter.event).toEqual(poison);
    expect(list.body.next_after).toBe(letter.id);

    const metrics = await app.api('GET', '/metrics');
    expect(metrics.body).toContain(`tusk_publisher_dead_letters_total{relay="${relay}"} 1`);

    // Still failing: 502, kept, one more attempt recorded.
    const failed = await app.api('POST', `/dead-letters/${letter.id}/retry`);
    expect(failed.status).toBe(502);
    expect(failed.body.error.code).toBe('PUBLISH_FAILED');
    expect((await app.api('GET', '/dead-letters')).body.dead_letters[0].attempts).toBe(5);

    receiver.answer = () => 200;
    const retried = await app.api('POST', `/dead-letters/${letter.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: letter.id, relay, delivered: true, event: poison });
    expect(receiver.accepted().filter((e) => e.id === poison.id)).toHaveLength(1);
    const { headers, raw } = attemptsOf(poison.id).at(-1)!;
    expect(headers['x-tusk-signature']).toBe(
      `sha256=${createHmac('sha256', SECRET)
        .update(`${String(headers['x-tusk-timestamp'])}.${raw}`)
        .digest('hex')}`,
    );
    expect((await app.api('GET', '/dead-letters')).body.dead_letters).toEqual([]);
    expect((await app.api('POST', `/dead-letters/${letter.id}/retry`)).body.error.code).toBe('DEAD_LETTER_NOT_FOUND');
  });

  it('lists dead letters page by page and by relay; bad parameters are 400s', async () => {
    receiver.answer = (req) => (req.event.type === 'Noted' ? 500 : 200);
    const notes = [
      await command('page', 'Open', {}),
      await command('page', 'Note', { text: 'a' }),
      await command('page', 'Note', { text: 'b' }),
    ].slice(1);
    await eventually(async () => (await app.api('GET', '/dead-letters')).body.dead_letters.length === 2, 'two dead letters', 30_000);
    const first = await app.api('GET', '/dead-letters?limit=1');
    expect(first.body.dead_letters.map((d: { event_id: string }) => d.event_id)).toEqual([notes[0]!.id]);
    const second = await app.api('GET', `/dead-letters?limit=1&after=${first.body.next_after}`);
    expect(second.body.dead_letters.map((d: { event_id: string }) => d.event_id)).toEqual([notes[1]!.id]);
    const third = await app.api('GET', `/dead-letters?limit=1&after=${second.body.next_after}`);
    expect(third.body).toEqual({ dead_letters: [], next_after: second.body.next_after });
    expect((await app.api('GET', '/dead-letters?relay=kafka')).body.dead_letters).toEqual([]);
    expect((await app.api('GET', '/dead-letters?limit=0')).status).toBe(400);
    expect((await app.api('GET', '/dead-letters?after=x')).status).toBe(400);
    expect((await app.api('POST', '/dead-letters/abc/retry')).status).toBe(400);
  });
});
