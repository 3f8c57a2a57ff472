/**
 * Issue 21 (soak_app): event-started sagas get time-ordered ids, and a store that already holds
 * sagas started under the hash-id scheme keeps them. Store migration 18 records the log position
 * the new scheme begins after; a trigger event at or below it that is read again after the
 * upgrade (here: the trigger's checkpoint is behind it, as after a crash between the start and
 * the checkpoint) must find the saga it started, not start a second one. On real PostgreSQL,
 * over HTTP, with the default app's order saga.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { appSchema, type AppConfig } from '../../src/config/schema/index.js';
import { sagaIdForEvent } from '../../src/sagas/sagaIds.js';
import { SAGA_HASH_IDS_UNTIL } from '../../src/store/migrations/schemaMigrations.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { createTestDatabase, queryOnce } from '../support/postgres.js';
import { waitForSaga } from './helpers.js';

const SAGA = 'order_processing_saga';
const TRIGGER = `saga-trigger:${SAGA}`;
const DEADLINE = 90_000;
let url: string;
let model: AppConfig;
let app: TestApp | undefined;

beforeAll(async () => {
  url = await createTestDatabase(inject('pgUrl'));
  const loaded = await loadConfig(join(import.meta.dirname, '..', '..', 'config', 'app.tsk'), { mode: 'serve', env: {} });
  model = { ...loaded.model!, event_store: appSchema.parse({ event_store: { type: 'postgresql', connection: url } }).event_store };
});
afterAll(async () => {
  await app?.close();
});

const sql = <R>(text: string, params: unknown[] = []) => queryOnce<R>(url, text, params);

async function post(path: string, body: unknown): Promise<any> {
  const res = await app!.api('POST', path, body);
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
}

/** Waits until the trigger's checkpoint has passed `position` (every event up to it was read and started). */
async function triggerPassed(position: number): Promise<void> {
  const deadline = Date.now() + DEADLINE;
  for (;;) {
    const rows = await sql<{ position: string }>('SELECT position FROM checkpoints WHERE name = $1', [TRIGGER]);
    if (Number(rows[0]?.position ?? 0) >= position) return;
    if (Date.now() > deadline) throw new Error(`the saga trigger did not pass position ${position}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ENDED = ['completed', 'compensated', 'failed', 'timed_out'];

describe('saga ids across the upgrade to time-ordered ids', () => {
  it('a trigger event from before the upgrade, read again after it, finds its hash-id saga; later ones get time-ordered ids', async () => {
    // A store of the old scheme: every event-started saga has the hash id (a mark above any position).
    app = await startTestApp(model);
    await app.close();
    await sql('UPDATE checkpoints SET position = $2 WHERE name = $1', [SAGA_HASH_IDS_UNTIL, Number.MAX_SAFE_INTEGER]);
    app = await startTestApp(model);
    await post('/aggregates/product/p1/commands/CreateProduct', { sku: 'P-1', name: 'pen', price: 2, stock: 10 });
    const before = (
      await post('/aggregates/order/o1/commands/CreateOrder', { customer_id: 'c1', product_id: 'p1', quantity: 1, unit_price: 2 })
    ).events[0];
    const oldId = sagaIdForEvent(SAGA, before, Infinity);
    expect(oldId[14]).toBe('8'); // the hash scheme's version nibble
    expect((await waitForSaga(app.url, SAGA, oldId, ENDED, DEADLINE)).status).toBe('completed');
    await triggerPassed(before.position);
    await app.close();
    app = undefined;

    // The upgrade: migration 18 runs again as on a store that never had it, and the trigger's
    // checkpoint is set back before the old order's event, so the new code reads it again.
    await sql('DELETE FROM schema_migrations WHERE version = 18');
    await sql('DELETE FROM checkpoints WHERE name = $1', [SAGA_HASH_IDS_UNTIL]);
    await sql('UPDATE checkpoints SET position = $2 WHERE name = $1', [TRIGGER, before.position - 1]);
    app = await startTestApp(model);
    const mark = Number(
      (await sql<{ position: string }>('SELECT position FROM checkpoints WHERE name = $1', [SAGA_HASH_IDS_UNTIL]))[0]!.position,
    );
    expect(mark).toBeGreaterThanOrEqual(before.position);
    const after = (
      await post('/aggregates/order/o2/commands/CreateOrder', { customer_id: 'c1', product_id: 'p1', quantity: 1, unit_price: 2 })
    ).events[0];
    await triggerPassed(after.position);
    const newId = sagaIdForEvent(SAGA, after, mark);
    expect(newId[14]).toBe('7');
    expect(newId.replaceAll('-', '').slice(0, 12)).toBe(new Date(after.timestamp).getTime().toString(16).padStart(12, '0'));
    expect((await waitForSaga(app.url, SAGA, newId, ENDED, DEADLINE)).status).toBe('completed');

    // One saga per order: the old order's was found again, not started a second time.
    const instances = await sql<{ id: string; status: string }>('SELECT id, status FROM saga_instances ORDER BY id');
    expect(instances.map((r) => r.id).sort()).toEqual([oldId, newId].sort());
    const started = await sql<{ n: string }>(`SELECT count(*) AS n FROM events WHERE type = '$SagaStarted'`);
    expect(Number(started[0]!.n)).toBe(2);
    const reserved = await sql<{ n: string }>(`SELECT count(*) AS n FROM events WHERE stream_id = 'p1' AND type = 'StockReserved'`);
    expect(Number(reserved[0]!.n)).toBe(2);
    const confirmed = await sql<{ stream_id: string }>(`SELECT stream_id FROM events WHERE type = 'OrderConfirmed' ORDER BY stream_id`);
    expect(confirmed.map((r) => r.stream_id)).toEqual(['o1', 'o2']);
  }, 600_000);
});
