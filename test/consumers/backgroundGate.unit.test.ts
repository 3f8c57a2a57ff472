/**
 * A started app's background loops (consumers, the saga scheduler, removals) wait until the
 * server has answered its first request (issue 21, warm_start: on the embedded store their
 * first statements ran on the main thread before the first /health could be answered).
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { appSchema, type AppConfig } from '../../src/config/schema/index.js';
import { consumerNamed } from '../../src/consumers/consumerRegistry.js';
import { startApp, type StartedApp } from '../../src/runtime/startApp.js';

let started: StartedApp | undefined;
afterEach(async () => {
  await started?.close();
  started = undefined;
});

async function defaultApp(): Promise<AppConfig> {
  const loaded = await loadConfig(join(import.meta.dirname, '..', '..', 'config', 'app.tsk'), { mode: 'serve', env: {} });
  return { ...loaded.model!, event_store: appSchema.parse({ event_store: { type: 'embedded', data_dir: 'memory://' } }).event_store };
}

/** The default app on an in-memory store, with no time limit on the wait for a first answer. */
async function start(): Promise<StartedApp> {
  return (started = await startApp(await defaultApp(), {
    port: 0,
    host: '127.0.0.1',
    logger: pino({ level: 'silent' }),
    backgroundDelayMs: 600_000,
  }));
}

describe('the background gate of a started app', () => {
  it('holds the consumers until the server has answered its first request, then runs them', async () => {
    const app = await start();
    const trigger = consumerNamed(app.runtime, 'saga-trigger:order_processing_saga')!;
    expect(trigger).toBeDefined();
    // Held, a loop stays where it starts: no lease, no step. Unheld, an in-memory store's
    // lease is taken within milliseconds of the start.
    await new Promise((r) => setTimeout(r, 500));
    expect(trigger.partitions.map((p) => p.state)).toEqual(['starting']);
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
    await expect.poll(() => trigger.partitions.map((p) => p.state), { timeout: 60_000, interval: 20 }).toEqual(['running']);
    // and the work they do runs: an order's saga completes
    await app.runtime.command({
      aggregateType: 'product',
      aggregateId: 'p1',
      command: 'CreateProduct',
      input: { sku: 'P-1', name: 'pen', price: 2, stock: 5 },
    });
    await app.runtime.command({
      aggregateType: 'order',
      aggregateId: 'o1',
      command: 'CreateOrder',
      input: { customer_id: 'c', product_id: 'p1', quantity: 2, unit_price: 2 },
    });
    await expect
      .poll(async () => (await app.runtime.aggregate('order', 'o1')).state, { timeout: 60_000, interval: 50 })
      .toMatchObject({ status: 'confirmed' });
  }, 120_000);

  it('lets a server that never answered close (the held loops end without starting)', async () => {
    const app = await start();
    const trigger = consumerNamed(app.runtime, 'saga-trigger:order_processing_saga')!;
    await app.close();
    started = undefined;
    expect(trigger.partitions.map((p) => p.state)).toEqual(['stopped']);
  }, 120_000);
});
