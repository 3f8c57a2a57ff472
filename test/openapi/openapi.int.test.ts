/**
 * The OpenAPI contract of the default app: GET /openapi.json is a valid OpenAPI 3.1 document
 * (checked by a maintained validator) that documents each command's input, headers, error
 * codes and answer; /docs renders it from locally served files; the response checker the
 * HTTP tests use refuses an answer that drifts from it; a route added later is picked up.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import type { AppConfig } from '../../src/config/schema/index.js';
import { appOpenApi } from '../../src/openapi/appOpenApi.js';
import { FEATURES } from '../../src/runtime/features.js';
import { startApp, type StartedApp } from '../../src/runtime/startApp.js';
import { ScratchStore } from '../../src/store/ScratchStore.js';
import { ROOT } from '../support/cli.js';
import { ContractChecker } from '../http/contract.js';

let model: AppConfig;
let started: StartedApp;
let scratch: ScratchStore;
let doc: any;

beforeAll(async () => {
  const loaded = await loadConfig(`${ROOT}/config/app.tsk`, { mode: 'check' });
  model = loaded.model!;
  scratch = await ScratchStore.open();
  // one extra route, as a feature added later would register it
  const extra = { name: 'extra', routes: (app: any) => app.get('/extra/:thing', async () => ({ ok: true })) };
  started = await startApp(model, {
    port: 0,
    host: '127.0.0.1',
    logger: pino({ level: 'silent' }),
    store: await scratch.fresh(),
    features: [...FEATURES, extra],
  });
  const res = await fetch(`${started.url}/openapi.json`);
  expect(res.status).toBe(200);
  doc = await res.json();
});
afterAll(async () => {
  await started?.close();
  await scratch?.close();
});

describe('OpenAPI', () => {
  it('GET /openapi.json is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('each command has its input schema, its headers, its error codes and the events it answers with', () => {
    const create = doc.paths['/aggregates/user/{id}/commands/CreateUser'].post;
    expect(create.requestBody.content['application/json'].schema).toEqual({
      type: 'object',
      properties: { email: { type: 'string', format: 'email' }, name: { type: 'string', minLength: 1, maxLength: 100 } },
      required: ['email', 'name'],
      additionalProperties: false,
    });
    expect(create.parameters.map((p: any) => p.name)).toEqual(['id', 'If-Match', 'Idempotency-Key', 'X-Correlation-Id', 'X-Causation-Id']);
    expect(create.responses['409'].content['application/json'].schema.properties.error.properties.code.enum).toEqual([
      'STREAM_EXISTS',
      'VERSION_CONFLICT',
      'STREAM_DELETED',
      'IDEMPOTENCY_CONFLICT',
      'UNIQUE_VIOLATION',
    ]);
    expect(create.responses['200'].content['application/json'].schema.properties.events.items.properties.type).toEqual({
      enum: ['UserCreated'],
    });
    expect(doc.paths['/aggregates/user/commands/CreateUser'].post.parameters.map((p: any) => p.name)).not.toContain('id');
    const ship = doc.paths['/aggregates/order/{id}/commands/ShipOrder'].post;
    expect(ship.responses['422'].content['application/json'].schema.properties.error.properties.code.enum).toEqual([
      'STATE_TOO_LARGE',
      'STRING_TOO_LONG',
      'NUMBER_OUT_OF_RANGE',
      'RULE_VIOLATION',
      'INVALID_TRANSITION',
      'PROJECTION_FAILED',
    ]);
    expect(ship.responses['404'].content['application/json'].schema.properties.error.properties.code.enum).toEqual(['STREAM_NOT_FOUND']);
  });

  it('reads, projection queries with their filters, sagas, dead letters, events and health are documented', () => {
    const orders = doc.paths['/projections/order_projection'].get;
    expect(orders.parameters.map((p: any) => p.name)).toEqual(
      expect.arrayContaining(['limit', 'offset', 'order', 'status', 'customer_id', 'total_amount']),
    );
    for (const p of [
      '/aggregates/order/{id}',
      '/aggregates/{type}/{id}/events',
      '/events',
      '/events/live',
      '/sagas/order_processing_saga',
      '/sagas/{name}/{id}',
      '/dead-letters',
      '/dead-letters/{id}/retry',
      '/health',
      '/projections/{name}/rebuild',
    ]) {
      expect(doc.paths[p], p).toBeDefined();
    }
    expect(doc.paths['/aggregates/order/{id}'].get.responses['200'].headers.ETag).toBeDefined();
    expect(doc.paths['/extra/{thing}'].get.summary).toContain('/extra/:thing');
  });

  it('tusk-es openapi (appOpenApi) gives the document the server serves', async () => {
    const printed = await appOpenApi(model);
    delete (printed.paths as any)['/extra/{thing}'];
    const served = structuredClone(doc);
    delete served.paths['/extra/{thing}'];
    expect(printed).toEqual(served);
  });

  it('/docs renders the document with Swagger UI served from this server, no CDN', async () => {
    const page = await fetch(`${started.url}/docs`);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain("url: '/openapi.json'");
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of ['/docs/assets/swagger-ui-bundle.js', '/docs/assets/swagger-ui.css']) {
      expect(html).toContain(asset);
      const res = await fetch(`${started.url}${asset}`);
      expect(res.status).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
    }
    expect((await fetch(`${started.url}/docs/assets/..%2Fpackage.json`)).status).toBe(404);
    for (const name of ['constructor', 'toString', '__proto__'])
      expect((await fetch(`${started.url}/docs/assets/${name}`)).status).toBe(404);
  });

  it('the response checker of the HTTP tests refuses answers that drift from the document', () => {
    const checker = new ContractChecker(model, started);
    const json = 'application/json';
    checker.check('GET', '/aggregates/user/u1', 200, json, { id: 'u1', type: 'user', version: 1, state: {} });
    expect(() => checker.check('GET', '/aggregates/user/u1', 200, json, { id: 'u1', state: {} })).toThrow(
      /does not match the OpenAPI document/,
    );
    expect(() =>
      checker.check('POST', '/aggregates/order/o1/commands/ShipOrder', 422, json, { error: { code: 'UNIQUE_VIOLATION', message: 'x' } }),
    ).toThrow(/does not match/);
    checker.check('POST', '/aggregates/order/o1/commands/ShipOrder', 422, json, { error: { code: 'RULE_VIOLATION', message: 'x' } });
    expect(() => checker.check('POST', '/aggregates/order/o1/commands/ShipOrder', 201, json, { aggregate_id: 'o1' })).toThrow(
      /does not match/,
    );
    expect(() => checker.check('GET', '/not/a/route', 200, json, {})).toThrow(/no such operation/);
  });
});
