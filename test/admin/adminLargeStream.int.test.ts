/**
 * The admin page on a stream of 100,000 events: the streams view keeps one page of 50 events
 * in the DOM, jumps to the last page and steps the state there. The server here has no token,
 * so the page opens without asking for one.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { launchBrowser } from '../support/browser.js';
import { createTestDatabase } from '../support/postgres.js';
import { startTestApp, type TestApp } from '../http/helpers.js';

const APP_FILE = fileURLToPath(new URL('../../config/app.tsk', import.meta.url));
const EVENTS = 100_000;
const ID = 'big-product';

describe('the admin page on a stream of 100,000 events', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const model = (await loadConfig(APP_FILE, { mode: 'serve' })).model!;
    app = await startTestApp({ ...model, event_store: { ...model.event_store, type: 'postgresql', connection: await createTestDatabase(inject('pgUrl')) } });
    // products have no projection, so the append writes events only
    const CHUNK = 5000;
    for (let from = 0; from < EVENTS; from += CHUNK) {
      const events = Array.from({ length: CHUNK }, (_, i) => {
        const v = from + i + 1;
        return v === 1
          ? { id: randomUUID(), type: 'ProductCreated', eventVersion: 2, data: { sku: 'BIG-1', name: 'Big', category: 'general', price: 1, stock: 0 }, metadata: {}, timestamp: new Date() }
          : { id: randomUUID(), type: 'PriceChanged', eventVersion: 1, data: { price: v }, metadata: {}, timestamp: new Date() };
      });
      await app.started.runtime.store.append({ streamType: 'product', streamId: ID, expectedVersion: from === 0 ? 'no_stream' : from, events });
    }
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(60_000);
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('opens without a token, shows one page of 50, jumps to the last page and steps the state there', async () => {
    await page.goto(`${app.url}/admin#/streams/product/${ID}`);
    await expect.poll(() => page.locator('[data-testid=page]').textContent(), { timeout: 60_000 }).toContain('page 1 of 2000');
    expect(await page.locator('input[name=token]').count()).toBe(0);
    // the pager shows as soon as the head is read; the page's events arrive in a second request
    await page.locator('.timeline li[data-version="50"]').waitFor();
    expect(await page.locator('.timeline li').count()).toBe(50);
    await page.click('button:has-text("»")');
    await page.locator('.timeline li[data-version="100000"]').waitFor();
    expect(await page.locator('.timeline li').count()).toBe(50);
    await expect.poll(() => page.locator('[data-testid=state-version]').textContent(), { timeout: 60_000 }).toContain('at version 100000');
    expect(await page.locator('pre.state').textContent()).toContain('"price": 100000');
    await page.click('button[aria-label="previous version"]');
    await expect.poll(() => page.locator('pre.state').textContent(), { timeout: 60_000 }).toContain('"price": 99999');
  }, 300_000);
});
