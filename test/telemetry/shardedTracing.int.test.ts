/**
 * Traces of a sharded app (tenancy mode "schema", issue 19 with issue 20): the front hands a
 * tenant's request, unparsed, to the server of the tenant's runtime. The command's span tree
 * still has one request span, ended (only ended spans are exported), the parent of the command
 * span, itself the child of the client's span. Real PostgreSQL, an OTLP/HTTP receiver.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { modelOf } from '../projections/helpers.js';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlpReceiver.js';
import { createTestDatabase } from '../support/postgres.js';
import { operatorAuth, shardedApp, tenantAuth } from '../tenancy/shardFixtures.js';

const TENANT = `trc-${randomUUID().slice(0, 6)}`;
const TRACE = '6bf92f3577b34da6a3ce929d0e0e4738';
const CLIENT_SPAN = '10f067aa0ba902b7';
const POLL = { timeout: 90_000, interval: 100 };

let otlp: OtlpReceiver;
let t: TestApp;

beforeAll(async () => {
  otlp = await startOtlpReceiver();
  const url = await createTestDatabase(inject('pgUrl'));
  const telemetry = `telemetry = { otlp_endpoint = "${otlp.url}", sample_ratio = 1, service_name = "sharded" }\n`;
  t = await startTestApp(await modelOf(shardedApp(url, '{ mode = "schema" }') + telemetry));
  expect((await t.api('POST', '/tenants', { id: TENANT }, operatorAuth)).status).toBe(201);
}, 180_000);
afterAll(async () => {
  await t?.close();
  await otlp?.close();
}, 60_000);

describe('tracing a sharded app', () => {
  it("a tenant's command has one request span, ended, that records the command (no command span of its own), the parent of its append", async () => {
    const res = await t.api(
      'POST',
      '/aggregates/note/n1/commands/CreateNote',
      { text: 'traced' },
      { ...(await tenantAuth(TENANT)), traceparent: `00-${TRACE}-${CLIENT_SPAN}-01` },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const inTrace = () => otlp.spans.filter((s) => s.traceId === TRACE);
    // the append span is exported once the command is done; its request span ends with the answer
    await expect.poll(() => inTrace().find((s) => s.name === 'append'), POLL).toBeDefined();
    const append = inTrace().find((s) => s.name === 'append')!;
    await expect.poll(() => inTrace().find((s) => s.spanId === append.parentSpanId), POLL).toBeDefined();
    const request = inTrace().find((s) => s.spanId === append.parentSpanId)!;
    expect(request).toMatchObject({
      name: 'POST /aggregates/:type/:id/commands/:command',
      kind: 2,
      parentSpanId: CLIENT_SPAN,
      attributes: {
        'http.response.status_code': 200,
        'tusk.aggregate_type': 'note',
        'tusk.command': 'CreateNote',
        'tusk.aggregate_id': 'n1',
      },
    });
    expect(request.events.map((e) => e.name)).toEqual(['validated', 'loaded', 'decided']);
    expect(inTrace().filter((s) => s.name.startsWith('command '))).toEqual([]);
    // the only server span of the trace: no second, never-ended one beside it
    expect(inTrace().filter((s) => s.kind === 2)).toHaveLength(1);
  });
});
