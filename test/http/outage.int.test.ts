/**
 * A database outage (SPEC §9): with its PostgreSQL gone, the server stays up and answers every
 * request that needs the database with 503 STORE_UNAVAILABLE, /health included; nothing hangs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { shopModel } from '../engine/fixtures.js';
import { startTestApp, type TestApp } from './helpers.js';

let pg: PostgresServer;
let t: TestApp;

beforeAll(async () => {
  pg = await startPostgres(); // a server of this file's own, so it can be stopped
  t = await startTestApp(appSchema.parse({ ...shopModel(), event_store: { type: 'postgresql', connection: pg.url } }));
});
afterAll(async () => {
  await t?.close();
  await pg?.stop();
});

describe('database outage', () => {
  it('answers 503 STORE_UNAVAILABLE while the database is down, and the server stays up', async () => {
    expect((await t.api('POST', '/aggregates/order/o1/commands/CreateOrder', { customer_id: 'c' })).status).toBe(200);
    await pg.stop();
    const started = Date.now();
    const command = await t.api('POST', '/aggregates/order/o1/commands/Annotate', { note: 'x' });
    expect(command.status).toBe(503);
    expect(command.body.error.code).toBe('STORE_UNAVAILABLE');
    const read = await t.api('GET', '/aggregates/order/o1');
    expect(read.status).toBe(503);
    expect(read.body.error.code).toBe('STORE_UNAVAILABLE');
    const health = await t.api('GET', '/health');
    expect(health.status).toBe(503);
    expect((await t.api('GET', '/events')).status).toBe(503);
    // answers come fast (a refused connection), not after a hang
    expect(Date.now() - started).toBeLessThan(15_000);
    // still serving: routes that need no database answer normally
    expect((await t.api('GET', '/metrics')).status).toBe(200);
    expect((await t.api('POST', '/aggregates/order/o1/commands/Annotate', { note: 5 })).status).toBe(400);
  });
});
