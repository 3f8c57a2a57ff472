/**
 * OpenTelemetry traces end to end (issue 19): the default app on a real PostgreSQL with
 * `telemetry` pointing at an OTLP/HTTP receiver and a webhook. One CreateOrder, sent with a
 * client traceparent, flows through the inline order projection, the order saga (two steps,
 * each dispatching a command) and the webhook; the receiver gets the whole span tree.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { appSchema, type AppConfig } from '../../src/config/schema/index.js';
import { createLogger } from '../../src/runtime/createLogger.js';
import { startApp, type StartedApp } from '../../src/runtime/startApp.js';
import { sagaIdForEvent } from '../../src/sagas/sagaIds.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlpReceiver.js';
import { createTestDatabase } from '../support/postgres.js';
import { startReceiver, type WebhookReceiver } from '../publishers/webhookReceiver.js';
import { waitForSaga } from '../sagas/helpers.js';

const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`;
const DEADLINE = 90_000;

let otlp: OtlpReceiver;
let webhook: WebhookReceiver;
let app: StartedApp;
const logs: Record<string, unknown>[] = [];

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${app.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** Polls until `find` returns a value, or fails naming `what` and what was received. */
async function until<T>(find: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + DEADLINE;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${DEADLINE} ms; spans: ${otlp.spans.map((s) => s.name).join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const inTrace = () => otlp.spans.filter((s) => s.traceId === CLIENT_TRACE);
const childOf = (parent: ReceivedSpan, name: string | RegExp) => () =>
  inTrace().find((s) => s.parentSpanId === parent.spanId && (typeof name === 'string' ? s.name === name : name.test(s.name)));

beforeAll(async () => {
  otlp = await startOtlpReceiver();
  webhook = await startReceiver('/orders');
  const loaded = await loadConfig(join(import.meta.dirname, '..', '..', 'config', 'app.tsk'), { mode: 'serve', env: {} });
  const extra = appSchema.parse({
    aggregates: {},
    event_store: { type: 'postgresql', connection: await createTestDatabase(inject('pgUrl')) },
    telemetry: { otlp_endpoint: otlp.url, sample_ratio: 1, service_name: 'tusk-es-test' },
    publishers: {
      webhooks: {
        endpoints: [webhook.url],
        events: ['OrderCreated'],
        retry_policy: { max_retries: 3, backoff_multiplier: 2, initial_delay: 50, max_delay: 500 },
      },
    },
  });
  const model: AppConfig = { ...loaded.model!, event_store: extra.event_store, telemetry: extra.telemetry, publishers: extra.publishers };
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  app = await startApp(model, { port: 0, host: '127.0.0.1', logger: createLogger({ level: 'info', destination: sink }) });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await webhook?.close();
  await otlp?.close();
});

describe('OpenTelemetry traces', () => {
  it('exports the span tree of one command: the HTTP request span records the command (its attributes, validated/loaded/decided events), load (when it reads the store), append, the projection, the saga steps and their commands, the webhook delivery', async () => {
    expect((await post('/aggregates/product/p1/commands/CreateProduct', { sku: 'P-1', name: 'pen', price: 2, stock: 5 })).status).toBe(200);
    // the saga's ReserveStock then reads p1 from the store (a load span), not from the state cache
    app.runtime.engine.stateCache?.delete?.('product', 'p1');
    const res = await post(
      '/aggregates/order/o1/commands/CreateOrder',
      { customer_id: 'c1', product_id: 'p1', quantity: 2, unit_price: 2 },
      { traceparent: TRACEPARENT, tracestate: 'vendor=opaque' },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const event = res.body.events[0];
    expect(
      (
        await waitForSaga(
          app.url,
          'order_processing_saga',
          sagaIdForEvent('order_processing_saga', event),
          ['completed', 'compensated', 'failed'],
          DEADLINE,
        )
      ).status,
    ).toBe('completed');

    // the request: a server span whose parent is the client's span
    const http = await until(
      () => inTrace().find((s) => s.name === 'POST /aggregates/:type/:id/commands/:command' && s.parentSpanId === CLIENT_SPAN),
      'HTTP span',
    );
    expect(http).toMatchObject({
      kind: 2,
      service: 'tusk-es-test',
      attributes: { 'http.route': '/aggregates/:type/:id/commands/:command', 'http.response.status_code': 200 },
    });
    // the request span is the command's span: no `command` span of its own over HTTP (one span fewer)
    const command = http;
    expect(inTrace().filter((s) => s.name.startsWith('command order.CreateOrder'))).toEqual([]);
    expect(command.attributes).toMatchObject({ 'tusk.aggregate_type': 'order', 'tusk.command': 'CreateOrder', 'tusk.aggregate_id': 'o1' });
    // validation, the decision and a load without I/O (a new stream assumed, a cached state) are
    // events of the request span; a load that reads the store and the append are its child spans
    expect(command.events.map((e) => e.name)).toEqual(['validated', 'loaded', 'decided']);
    expect(command.events[1]!.attributes).toEqual({ 'tusk.load.source': 'new' });
    expect(command.events[2]!.attributes).toEqual({ 'tusk.events': 1 });
    const append = await until(childOf(command, 'append'), 'append span');
    expect(append.attributes['tusk.append.batch_size']).toBeGreaterThanOrEqual(1);
    expect(append.attributes['tusk.append.events']).toBe(1);

    // the events carry the request span's context, so the work they cause continues the trace
    expect(event.metadata.traceparent).toBe(`00-${CLIENT_TRACE}-${command.spanId}-01`);
    expect(event.metadata.tracestate).toBe('vendor=opaque');

    const projection = await until(childOf(command, 'projection order_projection'), 'projection span');
    expect(projection.attributes).toMatchObject({ 'tusk.projection.mode': 'inline', 'tusk.events': 1 });

    const reserve = await until(childOf(command, 'saga order_processing_saga.reserve_stock'), 'saga step span');
    expect(reserve.attributes).toMatchObject({ 'tusk.saga.phase': 'step', 'tusk.saga.attempt': 1 });
    const reserveCommand = await until(childOf(reserve, 'command product.ReserveStock'), 'the command of the saga step');
    const load = await until(childOf(reserveCommand, 'load'), 'load span of a command that read the store');
    expect(load.attributes).toEqual({ 'tusk.load.version': 1 });
    expect(reserveCommand.events.map((e) => e.name)).toEqual(['validated', 'decided']);
    const confirm = await until(childOf(command, 'saga order_processing_saga.confirm_order'), 'second saga step span');
    const confirmCommand = await until(childOf(confirm, 'command order.ConfirmOrder'), 'the command of the second step');
    // order o1's state was cached by CreateOrder: no load span, an event
    expect(confirmCommand.events.map((e) => e.name)).toEqual(['validated', 'loaded', 'decided']);
    expect(confirmCommand.events[1]!.attributes).toEqual({ 'tusk.load.source': 'cache' });
    await until(childOf(confirmCommand, 'append'), 'the append of the saga command');

    // the webhook: a delivery span under the request span, whose context is the webhook request's traceparent
    const delivery = await until(childOf(command, /^publish webhooks:/), 'webhook delivery span');
    const request = await until(() => webhook.requests.find((r) => r.event.id === event.id), 'webhook request');
    expect(request.headers.traceparent).toBe(`00-${CLIENT_TRACE}-${delivery.spanId}-01`);
    expect(request.headers.tracestate).toBe('vendor=opaque');
    expect(otlp.contentTypes[0]).toBe('application/x-protobuf');
  });

  it('logs carry the trace_id and span_id of the request span', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const res = await post(
      '/aggregates/order/o2/commands/CreateOrder',
      { customer_id: 'c1', product_id: 'p1', quantity: 'two', unit_price: 2 },
      { traceparent },
    );
    expect(res.status).toBe(400);
    const span = await until(
      () => otlp.spans.find((s) => s.traceId === '0af7651916cd43dd8448eb211c80319c' && s.parentSpanId === 'b7ad6b7169203331'),
      'span of the refused request',
    );
    const logged = await until(
      () => logs.find((l) => l.code === 'INVALID_INPUT' && l.trace_id === '0af7651916cd43dd8448eb211c80319c'),
      'log line of the refused request',
    );
    expect(logged.span_id).toBe(span.spanId);
    // the refused command was recorded on the request span: its attributes and its error's code
    expect(span.attributes).toMatchObject({
      'tusk.command': 'CreateOrder',
      'tusk.error.code': 'INVALID_INPUT',
      'http.response.status_code': 400,
    });
  });

  it(
    'ends the span of an SSE request when its client disconnects (the reply is hijacked: onResponse never runs)',
    async () => {
      const traceId = '5bf92f3577b34da6a3ce929d0e0e4737';
      const abort = new AbortController();
      const res = await fetch(`${app.url}/events/live`, {
        headers: { accept: 'text/event-stream', traceparent: `00-${traceId}-${CLIENT_SPAN}-01` },
        signal: abort.signal,
      });
      expect(res.status).toBe(200);
      // the stream is open once its first comment arrives; then the client goes away
      const reader = res.body!.getReader();
      expect(new TextDecoder().decode((await reader.read()).value)).toContain(': connected');
      abort.abort();
      await reader.closed.catch(() => undefined);
      const span = await until(
        () => otlp.spans.find((s) => s.traceId === traceId && s.parentSpanId === CLIENT_SPAN),
        'span of the SSE request',
      );
      expect(span).toMatchObject({
        name: 'GET /events/live',
        kind: 2,
        attributes: { 'http.route': '/events/live', 'http.response.status_code': 200 },
      });
    },
    DEADLINE + 30_000,
  );
});
