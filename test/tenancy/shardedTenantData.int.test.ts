/**
 * What a tenant runtime of tenancy mode "database" stamps (issue 20): every event read from a
 * tenant's own store carries its `tenant` as a conjoined store's do, in GET /events, the live
 * stream and every publisher's payload and headers (a real webhook receiver, a real RabbitMQ
 * broker), never the other tenant's. Two tenants on one real PostgreSQL, each in its own
 * database, behind one front.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { EventJson } from '../../src/engine/toEventJson.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { modelOf } from '../projections/helpers.js';
import { consumeQueue, type RabbitConsumer } from '../publishers/rabbitConsumer.js';
import { startReceiver, type WebhookReceiver } from '../publishers/webhookReceiver.js';
import { createTestDatabase } from '../support/postgres.js';
import { startRabbit, type RabbitServer } from '../support/rabbitmq.js';
import { operatorAuth, shardedApp, tenantAuth } from './shardFixtures.js';

const run = randomUUID().slice(0, 6);
const A = `acme-${run}`;
const B = `bolt-${run}`;
const POLL = { timeout: 90_000, interval: 200 };

let t: TestApp;
let receiver: WebhookReceiver;
let rabbit: RabbitServer;
let queue: RabbitConsumer;

const as = async (tenant: string, method: string, path: string, body?: unknown) => t.api(method, path, body, await tenantAuth(tenant));
const note = (tenant: string, id: string) => as(tenant, 'POST', `/aggregates/note/${id}/commands/CreateNote`, { text: `${tenant} wrote ${id}` });

/** The tenant whose text an event holds (every text starts with its writer's name). */
const writer = (event: EventJson) => String((event.data as { text: string }).text).split(' ')[0];

beforeAll(async () => {
  const shared = inject('pgUrl');
  const control = await createTestDatabase(shared);
  [receiver, rabbit] = await Promise.all([startReceiver(), startRabbit()]);
  // The queue is bound before any event flows: an exchange drops what no queue is bound to.
  queue = await consumeQueue(rabbit.url, `tenants-${run}`, 'tenant-events');
  const tenancy = `{ mode = "database", control = "${control}", shards = [ { name = "s1", connection = "${shared}" } ] }`;
  const publishers = `
publishers = {
    webhooks = { endpoints = ["${receiver.url}"] }
    rabbitmq = { url = "${rabbit.url}", exchange = "tenant-events", timeout = "5s" }
}`;
  t = await startTestApp(await modelOf(shardedApp(control, tenancy) + publishers));
  for (const tenant of [A, B]) expect((await t.api('POST', '/tenants', { id: tenant }, operatorAuth)).status).toBe(201);
}, 180_000);
afterAll(async () => {
  await t?.close();
  await queue?.close();
  await receiver?.close();
  await rabbit?.close();
}, 60_000);

describe('the tenant of events in tenancy mode "database"', () => {
  it("carries each tenant's name on its events in GET /events, its live stream, webhooks and RabbitMQ messages", async () => {
    // A's live stream, open before anything is written: it must show A's events only, as A's.
    const controller = new AbortController();
    const live = await fetch(`${t.url}/events/live`, { headers: await tenantAuth(A), signal: controller.signal });
    expect(live.status).toBe(200);

    for (const id of ['n1', 'n2']) {
      expect((await note(A, id)).status).toBe(200);
      expect((await note(B, id)).status).toBe(200);
    }

    for (const tenant of [A, B]) {
      const events = (await as(tenant, 'GET', '/events')).body.events as EventJson[];
      expect(events.map((e) => [e.aggregate_id, e.tenant, writer(e)])).toEqual([
        ['n1', tenant, tenant],
        ['n2', tenant, tenant],
      ]);
    }

    // The live stream: read until A's second event has come, then every event is A's, stamped A.
    const reader = live.body!.getReader();
    let text = '';
    while (!text.includes(`${A} wrote n2`)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    const streamed = text
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)) as EventJson);
    expect(streamed.map((e) => [e.aggregate_id, e.tenant, writer(e)])).toEqual([
      ['n1', A, A],
      ['n2', A, A],
    ]);

    // Webhooks: four events, each with its writer's tenant in the payload and the X-Tusk-Tenant header.
    await expect.poll(() => receiver.accepted().length, POLL).toBeGreaterThanOrEqual(4);
    const posted = receiver.requests.map((r) => [r.event.aggregate_id, r.event.tenant, r.headers['x-tusk-tenant'], writer(r.event)]);
    expect(new Set(posted.map((p) => JSON.stringify(p)))).toEqual(
      new Set([A, B].flatMap((x) => ['n1', 'n2'].map((id) => JSON.stringify([id, x, x, x])))),
    );

    // RabbitMQ: the same, in the message body and its `tenant` header.
    await expect.poll(() => queue.received.length, POLL).toBeGreaterThanOrEqual(4);
    const published = queue.received.map((e, i) => [e.aggregate_id, e.tenant, queue.messages[i]!.properties.headers?.tenant, writer(e)]);
    expect(new Set(published.map((p) => JSON.stringify(p)))).toEqual(
      new Set([A, B].flatMap((x) => ['n1', 'n2'].map((id) => JSON.stringify([id, x, x, x])))),
    );
  });
});
