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
import { launchBrowser, printFigure, timeToReady } from '../support/browser.js';
import { createTestDatabase } from '../support/postgres.js';
import { startTestApp, type TestApp } from '../http/helpers.js';

const APP_FILE = fileURLToPath(new URL('../../config/app.tsk', import.meta.url));
const EVENTS = 100_000;

/** The page's globals, as functions run in the browser see them (the tests compile without the DOM library). */
interface PageGlobals {
  document: {
    querySelector(selector: string): { textContent: string | null } | null;
    querySelectorAll(selector: string): { length: number };
  };
}
const ID = 'big-product';

describe('the admin page on a stream of 100,000 events', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const model = (await loadConfig(APP_FILE, { mode: 'serve' })).model!;
    app = await startTestApp({
      ...model,
      event_store: { ...model.event_store, type: 'postgresql', connection: await createTestDatabase(inject('pgUrl')) },
    });
    // products have no projection, so the append writes events only
    const CHUNK = 5000;
    for (let from = 0; from < EVENTS; from += CHUNK) {
      const events = Array.from({ length: CHUNK }, (_, i) => {
        const v = from + i + 1;
        return v === 1
          ? {
              id: randomUUID(),
              type: 'ProductCreated',
              eventVersion: 2,
              data: { sku: 'BIG-1', name: 'Big', category: 'general', price: 1, stock: 0 },
              metadata: {},
              timestamp: new Date(),
            }
          : { id: randomUUID(), type: 'PriceChanged', eventVersion: 1, data: { price: v }, metadata: {}, timestamp: new Date() };
      });
      await app.started.runtime.store.append({
        streamType: 'product',
        streamId: ID,
        expectedVersion: from === 0 ? 'no_stream' : from,
        events,
      });
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

  // Issue 19: the page is usable within 1 s. A figure, not an assertion (performance targets
  // live in figures, and CI's busy cores would make a timed assertion flaky); bench/README.md
  // records it.
  it("prints the time from navigation to a usable overview and to a stream's first page", async () => {
    const overview: number[] = [];
    const stream: number[] = [];
    // each navigation in a new page (browser.newPage: a new context, nothing cached)
    const timed = async (url: string, ready: (arg: number) => boolean, arg: number) => {
      const fresh = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      try {
        return await timeToReady(fresh, url, ready, arg);
      } finally {
        await fresh.close();
      }
    };
    for (let run = 0; run < 4; run++) {
      // these functions run in the page: everything they use is inside them
      const toOverview = await timed(
        `${app.url}/admin#/overview`,
        (events) =>
          Number(
            (globalThis as unknown as PageGlobals).document.querySelector('[data-testid=event-count]')?.textContent?.replace(/\D/g, '') ??
              0,
          ) >= events,
        EVENTS,
      );
      const toStream = await timed(
        `${app.url}/admin#/streams/product/${ID}`,
        (size) => {
          const doc = (globalThis as unknown as PageGlobals).document;
          return doc.querySelectorAll('.timeline li').length === size && doc.querySelector(`.timeline li[data-version="${size}"]`) !== null;
        },
        50,
      );
      if (run === 0) continue; // warm-up
      overview.push(toOverview);
      stream.push(toStream);
    }
    printFigure('admin_overview_100k', 'navigation to the overview showing the event count, 100,000-event store', overview);
    printFigure('admin_stream_100k', "navigation to a 100,000-event stream's first page of 50 events", stream);
  }, 300_000);
});
