import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import { shopModel } from '../engine/fixtures.js';
import { startTestApp, type TestApp } from './helpers.js';

let t: TestApp;
const TOKEN = 'test-token-123';

beforeAll(async () => {
  const base = shopModel();
  const model = appSchema.parse({ ...base, server: { auth: { tokens: [TOKEN, 'other-token'] }, body_limit: '2KB' } });
  t = await startTestApp(model);
});
afterAll(async () => {
  await t?.close();
});

const auth = { authorization: `Bearer ${TOKEN}` };
const post = (path: string, body?: unknown, headers: Record<string, string> = {}) => t.api('POST', path, body, { ...auth, ...headers });
const get = (path: string, headers: Record<string, string> = {}) => t.api('GET', path, undefined, { ...auth, ...headers });

describe('aggregate commands over HTTP', () => {
  it('creates an aggregate and reads it back with an ETag', async () => {
    const res = await post('/aggregates/order/o1/commands/CreateOrder', { customer_id: 'c1' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      aggregate_id: 'o1',
      version: 1,
      events: [{ type: 'OrderCreated', aggregate_id: 'o1', version: 1, data: { customer_id: 'c1' } }],
    });
    expect(Object.keys(res.body.events[0]).sort()).toEqual([
      'aggregate_id',
      'aggregate_type',
      'data',
      'event_version',
      'id',
      'metadata',
      'position',
      'timestamp',
      'type',
      'version',
    ]);
    const state = await get('/aggregates/order/o1');
    expect(state.status).toBe(200);
    expect(state.headers.get('etag')).toBe('"1"');
    expect(state.body).toEqual({
      id: 'o1',
      type: 'order',
      version: 1,
      state: { status: 'pending', items: [], total: 0, customer_id: 'c1' },
    });
  });

  it('creates with a server-made id when the path has none', async () => {
    const res = await post('/aggregates/order/commands/CreateOrder', { customer_id: 'c2' });
    expect(res.status).toBe(200);
    expect(res.body.aggregate_id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await get(`/aggregates/order/${res.body.aggregate_id}`)).status).toBe(200);
  });

  it('answers 422 with the rule message on a rule violation', async () => {
    await post('/aggregates/order/o2/commands/CreateOrder', { customer_id: 'c' });
    await post('/aggregates/order/o2/commands/Cancel', { reason: 'x' });
    const res = await post('/aggregates/order/o2/commands/AddItem', { product_id: 'p', quantity: 1, unit_price: 1 });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: { code: 'RULE_VIOLATION', message: 'Cannot add items to non-pending order', details: expect.anything() },
    });
    const transition = await post('/aggregates/order/o2/commands/Confirm');
    expect(transition.status).toBe(422);
    expect(transition.body.error).toMatchObject({
      code: 'INVALID_TRANSITION',
      message: "status cannot go from 'cancelled' to 'confirmed'",
    });
  });

  it('answers 400 naming each bad field', async () => {
    await post('/aggregates/order/o3/commands/CreateOrder', { customer_id: 'c' });
    const res = await post('/aggregates/order/o3/commands/AddItem', { product_id: 7, quantity: 'two', bogus: true });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_INPUT');
    expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['bogus', 'product_id', 'quantity', 'unit_price']);
    expect((await get('/aggregates/order/o3')).body.version).toBe(1);
  });

  it('answers 409 to a stale If-Match (bare, quoted or weak) and writes nothing', async () => {
    await post('/aggregates/order/o4/commands/CreateOrder', { customer_id: 'c' });
    const ok = await post('/aggregates/order/o4/commands/Annotate', { note: 'a' }, { 'if-match': '"1"' });
    expect(ok.status).toBe(200);
    for (const stale of ['1', '"1"', 'W/"1"']) {
      const res = await post('/aggregates/order/o4/commands/Annotate', { note: 'b' }, { 'if-match': stale });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('VERSION_CONFLICT');
    }
    expect((await get('/aggregates/order/o4')).body.version).toBe(2);
    const bad = await post('/aggregates/order/o4/commands/Annotate', { note: 'b' }, { 'if-match': 'abc' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('BAD_REQUEST');
  });

  it('answers 409 on a unique violation', async () => {
    expect((await post('/aggregates/user/u1/commands/Register', { email: 'a@x.io', name: 'A' })).status).toBe(200);
    const res = await post('/aggregates/user/u2/commands/Register', { email: 'a@x.io', name: 'B' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('UNIQUE_VIOLATION');
    expect((await get('/aggregates/user/u2')).status).toBe(404);
  });

  it('returns the first answer to an idempotent retry and appends one event', async () => {
    await post('/aggregates/order/o5/commands/CreateOrder', { customer_id: 'c' });
    const body = { product_id: 'p', quantity: 1, unit_price: 2 };
    const first = await post('/aggregates/order/o5/commands/AddItem', body, { 'idempotency-key': 'k-o5' });
    const retry = await post('/aggregates/order/o5/commands/AddItem', body, { 'idempotency-key': 'k-o5' });
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    const events = await get('/aggregates/order/o5/events');
    expect(events.body.events.map((e: { type: string }) => e.type)).toEqual(['OrderCreated', 'OrderItemAdded']);
    const misuse = await post('/aggregates/order/o5/commands/AddItem', { ...body, quantity: 3 }, { 'idempotency-key': 'k-o5' });
    expect(misuse.status).toBe(409);
    expect(misuse.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
  });

  it('answers 404 for unknown aggregate types, commands, streams and routes', async () => {
    expect((await post('/aggregates/nope/x/commands/A', {})).body.error.code).toBe('UNKNOWN_AGGREGATE_TYPE');
    const unknownCmd = await post('/aggregates/order/o1/commands/Nope', {});
    expect(unknownCmd.status).toBe(404);
    expect(unknownCmd.body.error.code).toBe('UNKNOWN_COMMAND');
    const missing = await post('/aggregates/order/missing/commands/Confirm');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('STREAM_NOT_FOUND');
    expect((await get('/aggregates/order/missing')).body.error.code).toBe('STREAM_NOT_FOUND');
    expect((await get('/aggregates/nope/x')).body.error.code).toBe('UNKNOWN_AGGREGATE_TYPE');
    const route = await get('/no/such/route');
    expect(route.status).toBe(404);
    expect(route.body.error.code).toBe('NOT_FOUND');
  });

  it('answers 413 to a body over body_limit, 400 to bad JSON, and stays up', async () => {
    const big = await post('/aggregates/order/o6/commands/CreateOrder', { customer_id: 'x'.repeat(4096) });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const bad = await post('/aggregates/order/o6/commands/CreateOrder', '{"customer_id": ');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('BAD_REQUEST');
    expect((await get('/aggregates/order/o6')).status).toBe(404);
    expect((await t.api('GET', '/health')).status).toBe(200);
  });

  it('answers 401 without a valid bearer token, except on /health', async () => {
    const none = await t.api('POST', '/aggregates/order/o7/commands/CreateOrder', { customer_id: 'c' });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('UNAUTHORIZED');
    const wrong = await t.api('GET', '/events', undefined, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect((await t.api('GET', '/metrics')).status).toBe(401);
    expect((await t.api('GET', '/health')).body).toEqual({ status: 'ok', details: { parked: {} } });
    expect((await t.api('GET', '/events', undefined, { authorization: 'Bearer other-token' })).status).toBe(200);
    expect((await get('/aggregates/order/o7')).status).toBe(404);
  });
});

describe('reads over HTTP', () => {
  it('serves temporal reads by version and by time', async () => {
    await post('/aggregates/order/t1/commands/CreateOrder', { customer_id: 'c' });
    await new Promise((r) => setTimeout(r, 15));
    const added = await post('/aggregates/order/t1/commands/AddItem', { product_id: 'p', quantity: 2, unit_price: 5 });
    await new Promise((r) => setTimeout(r, 15));
    await post('/aggregates/order/t1/commands/Confirm');
    const v1 = await get('/aggregates/order/t1?version=1');
    expect(v1.body).toMatchObject({ version: 1, state: { status: 'pending', total: 0 } });
    expect(v1.headers.get('etag')).toBe('"1"');
    const asOf = await get(`/aggregates/order/t1?as_of=${encodeURIComponent(added.body.events[0].timestamp)}`);
    expect(asOf.body).toMatchObject({ version: 2, state: { status: 'pending', total: 10 } });
    expect((await get('/aggregates/order/t1')).body).toMatchObject({ version: 3, state: { status: 'confirmed' } });
    expect((await get('/aggregates/order/t1?version=zero')).status).toBe(400);
    expect((await get('/aggregates/order/t1?as_of=yesterday')).status).toBe(400);
  });

  it('lists a stream with from/to and raw, and the global log with after/limit/type', async () => {
    for (const n of ['a', 'b', 'c'])
      await post(`/aggregates/order/l1/commands/${n === 'a' ? 'CreateOrder' : 'Annotate'}`, n === 'a' ? { customer_id: 'c' } : { note: n });
    const slice = await get('/aggregates/order/l1/events?from=2&to=3');
    expect(slice.body.events.map((e: { version: number }) => e.version)).toEqual([2, 3]);
    const raw = await get('/aggregates/order/l1/events?raw=true');
    expect(raw.body.events).toHaveLength(3);
    expect((await get('/aggregates/order/nowhere/events')).status).toBe(404);

    const page1 = await get('/events?limit=2');
    expect(page1.body.events).toHaveLength(2);
    expect(page1.body.next_after).toBe(page1.body.events[1].position);
    const page2 = await get(`/events?after=${page1.body.next_after}&limit=2`);
    expect(page2.body.events[0].position).toBeGreaterThan(page1.body.next_after);
    const annotated = await get('/events?type=OrderAnnotated&limit=1000');
    expect(annotated.body.events.length).toBeGreaterThanOrEqual(2);
    expect(annotated.body.events.every((e: { type: string }) => e.type === 'OrderAnnotated')).toBe(true);
    expect((await get('/events?after=-1')).status).toBe(400);
    expect((await get('/events?limit=0')).status).toBe(400);
    expect((await get('/events?limit=abc')).status).toBe(400);
  });

  it('streams new events over SSE, and resumes from Last-Event-ID', async () => {
    const controller = new AbortController();
    const res = await fetch(`${t.url}/events/live`, { headers: auth, signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const created = await post('/aggregates/order/sse1/commands/CreateOrder', { customer_id: 'live' });
    let text = '';
    while (!text.includes('"aggregate_id":"sse1"')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    const block = text.split('\n\n').find((b) => b.includes('"aggregate_id":"sse1"'))!;
    expect(block).toContain('event: OrderCreated');
    expect(block).toContain(`id: ${created.body.position}`);
    const data = JSON.parse(
      block
        .split('\n')
        .find((l) => l.startsWith('data: '))!
        .slice(6),
    );
    expect(data).toEqual(created.body.events[0]);

    // Resume: everything after the given id comes from the log.
    await post('/aggregates/order/sse1/commands/Annotate', { note: 'after' });
    const resume = new AbortController();
    const res2 = await fetch(`${t.url}/events/live`, {
      headers: { ...auth, 'last-event-id': String(created.body.position) },
      signal: resume.signal,
    });
    const reader2 = res2.body!.getReader();
    let text2 = '';
    while (!text2.includes('OrderAnnotated')) {
      const { value, done } = await reader2.read();
      if (done) break;
      text2 += new TextDecoder().decode(value);
    }
    resume.abort();
    expect(text2).not.toContain(`id: ${created.body.position}\n`);
    expect(text2).toContain('"note":"after"');
  });

  it('exposes Prometheus metrics', async () => {
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/tusk_commands_total\{aggregate_type="order",command="CreateOrder",outcome="accepted"\} \d+/);
    expect(res.body).toMatch(/tusk_commands_total\{[^}]*outcome="RULE_VIOLATION"\}/);
    expect(res.body).toMatch(/tusk_events_appended_total \d+/);
    expect(res.body).toMatch(/tusk_http_requests_total\{method="POST",route="\/aggregates\/:type\/:id\/commands\/:command",status="200"\}/);
    expect(res.body).toMatch(/tusk_command_duration_seconds_bucket/);
  });
});
