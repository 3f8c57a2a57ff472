/**
 * What a tenant runtime of tenancy mode "database" stamps and counts (issue 20): every event
 * read from a tenant's own store carries its `tenant` as a conjoined store's do, in GET /events,
 * the live stream and every publisher's payload and headers (a real webhook receiver, a real
 * RabbitMQ broker), never the other tenant's; the storage quota counts the bytes of the
 * tenant's own database and refuses past it, writing nothing; the front's /metrics holds each
 * tenant runtime's figures labelled with its tenant (a tenant's token: its own only). Tenants on one real PostgreSQL, each in
 * its own database, behind one front.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { EventJson } from '../../src/engine/toEventJson.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { modelOf } from '../projections/helpers.js';
import { consumeQueue, type RabbitConsumer } from '../publishers/rabbitConsumer.js';
import { startReceiver, type WebhookReceiver } from '../publishers/webhookReceiver.js';
import { locationName } from '../../src/tenancy/shards/placement.js';
import { withDatabase } from '../../src/tenancy/shards/shardPlan.js';
import { createTestDatabase, queryOnce } from '../support/postgres.js';
import { startRabbit, type RabbitServer } from '../support/rabbitmq.js';
import { operatorAuth, shardedApp, tenantAuth } from './shardFixtures.js';

const run = randomUUID().slice(0, 6);
const A = `acme-${run}`;
const B = `bolt-${run}`;
const POLL = { timeout: 90_000, interval: 200 };

let t: TestApp;
let shared: string;
let receiver: WebhookReceiver;
let rabbit: RabbitServer;
let queue: RabbitConsumer;

const as = async (tenant: string, method: string, path: string, body?: unknown) => t.api(method, path, body, await tenantAuth(tenant));
const note = (tenant: string, id: string) =>
  as(tenant, 'POST', `/aggregates/note/${id}/commands/CreateNote`, { text: `${tenant} wrote ${id}` });

/** The tenant whose text an event holds (every text starts with its writer's name). */
const writer = (event: EventJson) => String((event.data as { text: string }).text).split(' ')[0];

beforeAll(async () => {
  shared = inject('pgUrl');
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

/** The samples of metric `name` on the front's /metrics, by their `tenant` label ('' for the front's own), summed. */
async function samples(name: string, labels: Record<string, string> = {}): Promise<Map<string, number>> {
  const res = await t.api('GET', '/metrics', undefined, operatorAuth);
  expect(res.status).toBe(200);
  const text = res.body as string;
  // one family once: a second HELP/TYPE line makes the page invalid for Prometheus
  expect(text.split('\n').filter((l) => l.startsWith(`# TYPE ${name} `))).toHaveLength(1);
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const [, body = '', value = ''] = /^[^{]+\{(.*)\} (\S+)$/.exec(line) ?? [];
    const found = Object.fromEntries([...body.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).some(([k, v]) => found[k] !== v)) continue;
    const tenant = found.tenant ?? '';
    out.set(tenant, (out.get(tenant) ?? 0) + Number(value));
  }
  return out;
}

describe('per-tenant metrics in tenancy mode "database"', () => {
  it("shows each tenant runtime's figures on the front's /metrics, labelled with its tenant", async () => {
    const accepted = { aggregate_type: 'note', command: 'CreateNote', outcome: 'accepted' };
    const before = await samples('tusk_commands_total', accepted);
    for (const id of ['m1', 'm2', 'm3']) expect((await note(A, id)).status).toBe(200);
    expect((await note(B, 'm1')).status).toBe(200);
    await expect
      .poll(async () => {
        const now = await samples('tusk_commands_total', accepted);
        return [A, B].map((x) => (now.get(x) ?? 0) - (before.get(x) ?? 0));
      }, POLL)
      .toEqual([3, 1]);
    // a tenant's own token sees its tenant's figures only, never another tenant's (nor its name)
    const own = await as(A, 'GET', '/metrics');
    expect(own.status).toBe(200);
    expect(own.body as string).toContain(`tenant="${A}"`);
    expect(own.body as string).not.toContain(B);
    // the front's own figures stay unlabelled beside them; a tenant's async projection counts as the tenant's
    expect((await samples('tusk_http_requests_total')).has('')).toBe(true);
    await expect
      .poll(async () => {
        const projected = await samples('tusk_projection_events_total', { projection: 'notes' });
        return [A, B].map((x) => projected.get(x) ?? 0);
      }, POLL)
      .toEqual([5, 3]);
  });
});

describe('the storage quota in tenancy mode "database"', () => {
  const Q = `quota-${run}`;
  const LIMIT = 2_000;
  const tenantDb = () => withDatabase(shared, locationName(Q)) as string;
  const storedBytes = async () =>
    Number(
      (
        await queryOnce<{ bytes: string }>(
          tenantDb(),
          'SELECT coalesce(sum(pg_column_size(data) + pg_column_size(metadata)), 0) AS bytes FROM events',
        )
      )[0]!.bytes,
    );

  it('refuses the commands of a tenant at its quota with TENANT_STORAGE_EXCEEDED, counting its own database, writing nothing', async () => {
    const created = await t.api('POST', '/tenants', { id: Q, storage_bytes: LIMIT }, operatorAuth);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ id: Q, storage_bytes: LIMIT, shard: 's1' });

    const text = 'x'.repeat(300);
    const denied = async () => (await samples('tusk_auth_denied_total', { reason: 'storage' })).get(Q) ?? 0;
    let admitted = 0;
    let refused: Awaited<ReturnType<TestApp['api']>> | undefined;
    for (let i = 0; i < 100 && refused === undefined; i++) {
      const before = i === 0 ? 0 : await storedBytes();
      const res = await as(Q, 'POST', `/aggregates/note/q${i}/commands/CreateNote`, { text: `${Q} ${text}${i}` });
      if (res.status === 200) {
        expect(before).toBeLessThan(LIMIT); // admitted only while under the quota
        admitted++;
      } else refused = res;
    }
    expect(admitted).toBeGreaterThan(1);
    expect(refused?.status, JSON.stringify(refused?.body)).toBe(403);
    const stored = await storedBytes();
    expect(stored).toBeGreaterThanOrEqual(LIMIT);
    expect(refused?.body.error).toMatchObject({
      code: 'TENANT_STORAGE_EXCEEDED',
      details: { tenant: Q, storage_bytes: LIMIT, stored_bytes: stored },
    });
    // nothing written: the tenant's database holds exactly the admitted events
    const rows = await queryOnce<{ stream_id: string }>(tenantDb(), 'SELECT stream_id FROM events ORDER BY position');
    expect(rows.map((r) => r.stream_id)).toEqual(Array.from({ length: admitted }, (_, i) => `q${i}`));
    // counted on the front's /metrics, as the tenant's
    expect(await denied()).toBe(1);
    // the registry shows the quota and what the tenant's database stores
    const shown = await t.api('GET', `/tenants/${Q}`, undefined, operatorAuth);
    expect(shown.body).toMatchObject({ storage_bytes: LIMIT, shard: 's1', stored: { events: admitted, bytes: stored } });
    expect(shown.body).not.toHaveProperty('shard_state');

    // other tenants go on; raised, the tenant is admitted again
    expect((await note(A, 'after-quota')).status).toBe(200);
    const raised = await t.api('PUT', `/tenants/${Q}/quota`, { storage_bytes: stored + 100_000 }, operatorAuth);
    expect(raised.body).toMatchObject({ storage_bytes: stored + 100_000 });
    expect((await as(Q, 'POST', `/aggregates/note/q${admitted}/commands/CreateNote`, { text: `${Q} again` })).status).toBe(200);
  });
});

describe('the events/s quota in tenancy mode "database"', () => {
  const R = `rate-${run}`;
  const tenantDb = () => withDatabase(shared, locationName(R)) as string;

  it("refuses a tenant's commands past its events/s quota with 429 TENANT_QUOTA_EXCEEDED in its runtime, writing nothing, counted as the tenant's", async () => {
    const created = await t.api('POST', '/tenants', { id: R, events_per_second: 1 }, operatorAuth);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ id: R, events_per_second: 1, shard: 's1' });
    const denied = async () => (await samples('tusk_auth_denied_total', { reason: 'quota' })).get(R) ?? 0;
    const command = (id: string) => as(R, 'POST', `/aggregates/note/${id}/commands/CreateNote`, { text: `${R} wrote ${id}` });

    // One event per command, twenty at once, at 1 event/s: the bucket holds one event, so
    // some are refused; if every one were admitted before the first was charged, the bucket
    // is 19 events in debt and the next command is refused (unless the burst took 19 s).
    const ids = Array.from({ length: 20 }, (_, i) => `r${i}`);
    const burst = await Promise.all(ids.map(command));
    const answers = ids.map((id, i) => [id, burst[i]!] as const);
    const after = await command('r-after');
    answers.push(['r-after', after]);

    const admitted = answers.filter(([, res]) => res.status === 200).map(([id]) => id);
    const refused = answers.filter(([, res]) => res.status !== 200);
    expect(admitted.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const [, res] of refused) {
      expect(res.status, JSON.stringify(res.body)).toBe(429);
      expect(res.body.error).toMatchObject({ code: 'TENANT_QUOTA_EXCEEDED', details: { tenant: R, events_per_second: 1 } });
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    // nothing written by a refused command: the tenant's own database holds the admitted notes only
    const rows = await queryOnce<{ stream_id: string }>(tenantDb(), 'SELECT stream_id FROM events');
    expect(rows.map((r) => r.stream_id).sort()).toEqual([...admitted].sort());
    // counted on the front's /metrics, as the tenant's, once per refusal
    expect(await denied()).toBe(refused.length);
    // another tenant goes on at once
    expect((await note(B, `after-rate-${run}`)).status).toBe(200);
  });
});
