/** A traceparent sent with a command comes back on the webhook request its event causes (issue 19). */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp } from '../../src/runtime/startApp.js';
import { createTestDatabase } from '../support/postgres.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { FAST_RETRIES, deliveryModel } from '../publishers/deliveryModel.js';
import { eventually } from '../publishers/helpers.js';
import { startReceiver, type WebhookReceiver } from '../publishers/webhookReceiver.js';

describe('trace context through the log', () => {
  let receiver: WebhookReceiver;
  let app: TestApp;
  beforeAll(async () => {
    receiver = await startReceiver('/traced');
    app = await startTestApp(
      deliveryModel(await createTestDatabase(inject('pgUrl')), {
        publishers: { webhooks: { endpoints: [receiver.url], retry_policy: FAST_RETRIES } },
      }),
    );
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.close();
  });

  it('keeps traceparent and tracestate in the event metadata and sends them with the webhook', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const res = await app.api('POST', '/aggregates/account/t1/commands/Open', {}, { traceparent, tracestate: 'congo=t61rcWkgMzE' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const event = res.body.events[0];
    expect(event.metadata.traceparent).toBe(traceparent);
    await eventually(() => receiver.requests.some((r) => r.event.id === event.id), 'the webhook request');
    const request = receiver.requests.find((r) => r.event.id === event.id)!;
    expect(request.headers.traceparent).toBe(traceparent);
    expect(request.headers.tracestate).toBe('congo=t61rcWkgMzE');
  });

  it('ignores an invalid traceparent instead of refusing the command', async () => {
    const res = await app.api('POST', '/aggregates/account/t2/commands/Open', {}, { traceparent: 'not-a-trace' });
    expect(res.status).toBe(200);
    expect(res.body.events[0].metadata.traceparent).toBeUndefined();
    await eventually(() => receiver.requests.some((r) => r.event.id === res.body.events[0].id), 'the webhook request');
    expect(receiver.requests.find((r) => r.event.id === res.body.events[0].id)!.headers.traceparent).toBeUndefined();
  });
});

describe('request logs', () => {
  it('carry the trace_id and span_id of a request that brings a traceparent', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const started = await startApp(deliveryModel(await createTestDatabase(inject('pgUrl')), {}), {
      port: 0,
      host: '127.0.0.1',
      logger: pino({ level: 'info' }, sink),
    });
    try {
      // a refused command is logged at info by the error handler, through the request's logger
      const res = await fetch(`${started.url}/aggregates/account/l1/commands/Deposit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
        body: JSON.stringify({ amount: 'not a number' }),
      });
      expect(res.status).toBe(400);
      const logged = lines.find((l) => l.code === 'INVALID_INPUT');
      expect(logged).toMatchObject({ trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331' });
    } finally {
      await started.close();
    }
  });
});
