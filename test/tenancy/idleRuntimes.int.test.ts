/**
 * Idle tenant runtimes are closed (issue 20; tenancy mode "schema", `idle_timeout = "1s"`): a
 * tenant whose runtime served no request for the idle time and whose async projection has
 * caught up has it closed (its pool and consumers with it) and reopened by its next request,
 * with its data and its projection going on; a tenant with a request in flight (an open live
 * stream) keeps its runtime until the stream ends.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { shardRouterOf, type ShardRouter } from '../../src/tenancy/shards/shardRouter.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { modelOf } from '../projections/helpers.js';
import { createTestDatabase } from '../support/postgres.js';
import { shardedApp, tenantAuth } from './shardFixtures.js';

let t: TestApp;
let router: ShardRouter;
const suffix = randomUUID().slice(0, 6);
const QUIET = `quiet-${suffix}`;
const WATCHED = `watched-${suffix}`;
const POLL = { timeout: 60_000, interval: 100 };

const as = async (tenant: string, method: string, path: string, body?: unknown) => t.api(method, path, body, await tenantAuth(tenant));

beforeAll(async () => {
  const url = await createTestDatabase(inject('pgUrl'));
  t = await startTestApp(await modelOf(shardedApp(url, '{ mode = "schema", idle_timeout = "1s" }')));
  router = shardRouterOf(t.started.runtime)!;
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('idle tenant runtimes', () => {
  it('closes a runtime idle past idle_timeout once its projection caught up, reopens it on the next request, and keeps one with a live stream', async () => {
    for (const tenant of [QUIET, WATCHED])
      expect((await as(tenant, 'POST', '/aggregates/note/n1/commands/CreateNote', { text: `by ${tenant}` })).status).toBe(200);
    const controller = new AbortController();
    const live = await fetch(`${t.url}/events/live`, { headers: await tenantAuth(WATCHED), signal: controller.signal });
    expect(live.status).toBe(200);
    await expect.poll(async () => (await as(QUIET, 'GET', '/projections/notes/n1')).body?.text, POLL).toBe(`by ${QUIET}`);
    const first = router.startedApp(QUIET);
    expect(first).toBeDefined();

    // the quiet tenant's runtime closes; the one with an open stream stays
    await expect.poll(() => router.running().includes(QUIET), POLL).toBe(false);
    expect(router.running()).toContain(WATCHED);

    // the next request opens it again, with its data; its projection goes on
    expect((await as(QUIET, 'GET', '/aggregates/note/n1')).body.state.text).toBe(`by ${QUIET}`);
    expect(router.startedApp(QUIET)).not.toBe(first);
    expect((await as(QUIET, 'POST', '/aggregates/note/n1/commands/EditNote', { text: 'again' })).status).toBe(200);
    await expect.poll(async () => (await as(QUIET, 'GET', '/projections/notes/n1')).body?.text, POLL).toBe('again');

    // once its stream ends, the other tenant's runtime closes too
    controller.abort();
    await live.body?.cancel().catch(() => undefined);
    await expect.poll(() => router.running().includes(WATCHED), POLL).toBe(false);
  }, 240_000);
});
