/**
 * A saga `call` answered with JSON nested thousands of levels deep (16 KiB hold 7,000 levels):
 * JSON.parse takes it, but storing it would throw RangeError on every write of the saga. The
 * step keeps such an answer as its text, and the saga completes.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { createTestDatabase } from '../support/postgres.js';
import { modelOf, waitForSaga } from './helpers.js';

const DEEP = '['.repeat(7000) + ']'.repeat(7000);
let t: TestApp;
let server: Server;

beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(DEEP));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const url = await createTestDatabase(inject('pgUrl'));
  t = await startTestApp(
    await modelOf(`
event_store = { type = "postgresql", connection = "${url}" }
aggregates = { account = { commands = { Open = { creates = true, emits = "Opened" } } } }
sagas = { deep = { steps = [ { name = "ask", call = { url = "http://127.0.0.1:${port}/deep" } } ] } }
`),
  );
}, 120_000);
afterAll(async () => {
  await t?.close();
  await new Promise((resolve) => server?.close(resolve));
});

describe('a saga call answered with very deep JSON', () => {
  it('keeps the answer as text and completes', async () => {
    const start = await t.api('POST', '/sagas/deep', { aggregate_id: 'a1' });
    expect(start.status, JSON.stringify(start.body)).toBe(202);
    const saga = await waitForSaga(t.url, 'deep', start.body.saga_id, ['completed', 'compensated', 'failed'], 90_000);
    expect(saga.status).toBe('completed');
    expect(saga.steps[0]).toMatchObject({ name: 'ask', status: 'succeeded', result: DEEP });
  }, 120_000);
});
