/**
 * The admin page in a real browser (headless Chromium driven by playwright-core) against the
 * default app on a real PostgreSQL, with an API token and a webhook publisher whose receiver
 * fails. With TUSK_SCREENSHOTS=1 the tests also refresh the screenshots in docs/.
 */
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import type { AppConfig } from '../../src/config/schema/index.js';
import { publishersSchema } from '../../src/config/schema/publishers.js';
import { launchBrowser } from '../support/browser.js';
import { createTestDatabase } from '../support/postgres.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { eventually } from '../publishers/helpers.js';
import { startReceiver, type WebhookReceiver } from '../publishers/webhookReceiver.js';

const TOKEN = 'admin-test-token-7f3a';
const APP_FILE = fileURLToPath(new URL('../../config/app.tsk', import.meta.url));
const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));
const SCREENSHOTS = process.env.TUSK_SCREENSHOTS === '1';

/** The default app on `pgUrl`, with a token and a webhook publisher for UserDeleted events. */
async function adminModel(pgUrl: string, hookUrl: string): Promise<AppConfig> {
  const loaded = await loadConfig(APP_FILE, { mode: 'serve' });
  const model = loaded.model!;
  return {
    ...model,
    event_store: { ...model.event_store, type: 'postgresql', connection: pgUrl },
    server: { ...model.server, auth: { tokens: [TOKEN] } },
    // one async projection in two partitions, so the projections view shows them
    projections: { ...model.projections, order_projection: { ...model.projections.order_projection!, mode: 'async', partitions: 2 } },
    publishers: publishersSchema.parse({
      webhooks: {
        endpoints: [hookUrl],
        events: ['UserDeleted'],
        timeout: 2000,
        retry_policy: { max_retries: 1, backoff_multiplier: 2, initial_delay: 50, max_delay: 100 },
      },
    }),
  };
}

describe('the admin page in a browser', () => {
  let app: TestApp;
  let receiver: WebhookReceiver;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  let expectErrors = false;
  const auth = { authorization: `Bearer ${TOKEN}` };
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await app.api(method, path, body, auth);
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body;
  };
  const createUser = async (name: string): Promise<string> =>
    (await api('POST', '/aggregates/user/commands/CreateUser', { email: `${name.toLowerCase()}@example.com`, name })).aggregate_id;
  const shot = async (name: string) => {
    if (SCREENSHOTS) await page.screenshot({ path: `${DOCS}admin-${name}.png` });
  };

  beforeAll(async () => {
    receiver = await startReceiver('/hooks');
    receiver.answer = () => 500;
    app = await startTestApp(await adminModel(await createTestDatabase(inject('pgUrl')), receiver.url));
    // some history, so every view has something to show
    const names = Array.from({ length: 60 }, (_, i) => `User${String(i).padStart(3, '0')}`);
    for (let i = 0; i < names.length; i += 10) await Promise.all(names.slice(i, i + 10).map(createUser));
    const product = (
      await api('POST', '/aggregates/product/commands/CreateProduct', { sku: 'TUSK-1', name: 'Tusk', price: 12.5, stock: 5 })
    ).aggregate_id;
    for (let i = 0; i < 3; i++)
      await api('POST', '/aggregates/order/commands/CreateOrder', {
        customer_id: 'c1',
        product_id: product,
        quantity: 2,
        unit_price: 12.5,
      });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(20_000);
    page.on('console', (m) => {
      if (m.type() === 'error' && !expectErrors) consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await receiver?.close();
  });

  it('logs in with the token, keeps it for the session only, never in the URL', async () => {
    // the page's files are open, its data is not
    expect((await app.api('GET', '/admin')).status).toBe(200);
    expect((await app.api('GET', '/admin/api/overview')).status).toBe(401);
    expect((await app.api('GET', '/admin/api/config')).status).toBe(401);
    await page.goto(`${app.url}/admin`);
    await page.locator('input[name=token]').waitFor();
    expectErrors = true; // the browser logs the refused request as a console error
    await page.fill('input[name=token]', 'wrong');
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('[role=alert]').textContent()).toContain('not accepted');
    expectErrors = false;
    await page.fill('input[name=token]', TOKEN);
    await page.click('button[type=submit]');
    await page.locator('nav a[data-view=streams]').waitFor();
    expect(await page.evaluate('sessionStorage.getItem("tusk-es.token")')).toBe(TOKEN);
    expect(await page.evaluate('localStorage.length')).toBe(0);
    expect(page.url()).not.toContain(TOKEN);
    // a reload stays logged in (same tab session)
    await page.reload();
    await page.locator('nav a[data-view=overview]').waitFor();
    await expect
      .poll(async () => Number((await page.locator('[data-testid=event-count]').textContent())?.replace(/\D/g, '') ?? 0))
      .toBeGreaterThan(60);
  });

  it('the overview charts commands/s from the server metrics', async () => {
    await page.goto(`${app.url}/admin#/overview`);
    await page.locator('figure[data-chart="Commands/s"]').waitFor();
    // keep commands flowing until the chart shows a rate above zero
    await expect
      .poll(
        async () => {
          await createUser(`Busy${Date.now()}${Math.random().toString(36).slice(2, 6)}`);
          return page.locator('figure[data-chart="Commands/s"] strong').textContent();
        },
        { timeout: 30_000 },
      )
      .toMatch(/^[1-9]|^0\.[1-9]/);
    await page.locator('figure[data-chart="Commands/s"] polyline').waitFor();
    if (SCREENSHOTS) {
      // a few more points, so the picture shows a line rather than a segment
      for (let i = 0; i < 8; i++) await Promise.all([createUser(`Shot${i}${Date.now()}`), page.waitForTimeout(400)]);
    }
    await shot('overview');
  });

  it('finds a user created with the API in the streams view and steps its state through versions', async () => {
    const id = await createUser('Ada');
    await api('POST', `/aggregates/user/${id}/commands/UpdateUser`, { name: 'Ada Lovelace' });
    await api('POST', `/aggregates/user/${id}/commands/UpdateUser`, { name: 'Countess Lovelace' });
    await page.goto(`${app.url}/admin#/streams`);
    await page.selectOption('select[name=type]', 'user');
    await page.fill('input[name=id]', id.slice(0, 20));
    await page.click('form.toolbar button[type=submit]');
    await page.click(`a[data-stream="${id}"]`);
    await expect.poll(() => page.locator('.timeline li').count()).toBe(3);
    await expect.poll(() => page.locator('[data-testid=state-version]').textContent()).toContain('at version 3');
    expect(await page.locator('pre.state').textContent()).toContain('Countess Lovelace');
    await page.click('button[aria-label="previous version"]');
    await expect.poll(() => page.locator('[data-testid=state-version]').textContent()).toContain('at version 2');
    expect(await page.locator('pre.state').textContent()).toContain('"Ada Lovelace"');
    await page.click('button[aria-label="previous version"]');
    await expect.poll(() => page.locator('pre.state').textContent()).toContain('"Ada"');
    // the diff against version 2 shows the name change
    await expect.poll(() => page.locator('table.diff').textContent()).toContain('name');
    expect(await page.locator('table.diff .after').first().textContent()).toBe('"Ada"');
    // open the second event, follow its correlation id to the related events
    await page.click('.timeline li[data-version="2"] .line');
    await page.click('.timeline li[data-version="2"] [data-follow=correlation_id]');
    await expect.poll(() => page.locator('[data-testid=related] li[data-event-type=UserUpdated]').count()).toBe(1);
    // the stored form toggle reads ?raw=true
    const raw = page.waitForRequest((r) => r.url().includes('raw=true'));
    await page.check('input[name=raw]');
    await raw;
    await shot('streams');
  });

  it('watches a live event arrive in the global log, and pausing holds events back until resumed', async () => {
    await page.goto(`${app.url}/admin#/log`);
    await expect.poll(() => page.locator('[data-testid=live-status]').textContent()).toBe('live');
    const id = await createUser('Grace');
    await page.locator(`[data-testid=live-events] li[data-event-type=UserCreated] a:has-text("${id}")`).waitFor();
    await page.click('button[name=pause]');
    await expect.poll(() => page.locator('[data-testid=live-status]').textContent()).toBe('paused');
    const held = await createUser('Hopper');
    expect(await page.locator(`[data-testid=live-events] a:has-text("${held}")`).count()).toBe(0);
    await page.click('button[name=pause]');
    await page.locator(`[data-testid=live-events] li[data-event-type=UserCreated] a:has-text("${held}")`).waitFor();
    await shot('log');
  });

  it('starts a rebuild and shows its progress reaching 100%', async () => {
    await page.goto(`${app.url}/admin#/projections/user_projection`);
    const row = page.locator('tr[data-projection=user_projection]');
    await expect.poll(() => row.locator('[data-testid=row-count]').textContent()).toMatch(/^\d+$/);
    await row.locator('button[name=rebuild]').click();
    const progress = row.locator('[data-testid=rebuild-progress]');
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 30_000 }).toBe('completed');
    expect(await progress.getAttribute('data-percent')).toBe('100');
    const status = await api('GET', '/projections');
    expect(status.projections.find((p: { name: string }) => p.name === 'user_projection').rebuild.status).toBe('completed');
    await page.locator('table.rows tbody tr').first().waitFor();
    // an async projection in two partitions: each with its checkpoint, lag and owner
    const orders = page.locator('tr[data-projection=order_projection] [data-testid=partition]');
    await expect.poll(() => orders.count()).toBe(2);
    await expect.poll(() => orders.first().textContent()).toMatch(/^#0: \d+, lag \d+, \S+:\d+:/);
    await shot('projections');
  });

  it('shows saga instances and one saga step by step', async () => {
    await page.goto(`${app.url}/admin#/sagas/order_processing_saga`);
    await page.locator('a[href*="#/sagas/order_processing_saga/"]').first().click();
    await expect.poll(() => page.locator('table.steps tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('table.steps').textContent()).toContain('reserve_stock');
    await shot('sagas');
  });

  it('retries a dead letter made by a failing webhook receiver', async () => {
    const id = await createUser('Failing');
    await api('POST', `/aggregates/user/${id}/commands/DeleteUser`, {});
    await eventually(
      async () => (await api('GET', '/dead-letters')).dead_letters.some((d: { aggregate_id: string }) => d.aggregate_id === id),
      'the dead letter',
      30_000,
    );
    await page.goto(`${app.url}/admin#/dead-letters`);
    const row = page.locator('tr[data-dead-letter]').first();
    await row.waitFor();
    expect(await row.textContent()).toContain('UserDeleted');
    await row.locator('button.link').click();
    await page.locator('pre.json').first().waitFor();
    await shot('dead-letters');
    receiver.answer = () => 200;
    await row.locator('button[name=retry]').click();
    await page.locator('[data-testid=retry-result]').waitFor();
    await page.locator('[data-testid=no-dead-letters]').waitFor();
    expect(receiver.accepted().some((e) => e.aggregate_id === id && e.type === 'UserDeleted')).toBe(true);
  });

  it('shows the config with the token redacted, the DDL and the diagnostics', async () => {
    await page.goto(`${app.url}/admin#/config`);
    await page.locator('[data-testid=diagnostics]').waitFor();
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('CREATE TABLE');
    expect(text).toContain('order_processing_saga');
    expect(text).not.toContain(TOKEN);
    await shot('config');
  });

  it('logged no console errors on any view', () => {
    expect(consoleErrors).toEqual([]);
  });
});
