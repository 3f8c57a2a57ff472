/**
 * Archived events of a tenant's own store (tenancy mode "database", files tier, issue 20): the
 * tenant runtime's archive job moves a closed stream's events into files in the tenant's own
 * folder, and GET /events reads them back from those files stamped with the tenant, as the
 * events still in its table are, never another tenant's. Two tenants on one real PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { EventJson } from '../../src/engine/toEventJson.js';
import { locationName } from '../../src/tenancy/shards/placement.js';
import { withDatabase } from '../../src/tenancy/shards/shardPlan.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { modelOf } from '../projections/helpers.js';
import { createTestDatabase, queryOnce } from '../support/postgres.js';
import { operatorAuth, shardedApp, tenantAuth } from './shardFixtures.js';

const run = randomUUID().slice(0, 6);
const A = `arca-${run}`;
const B = `arcb-${run}`;
const POLL = { timeout: 90_000, interval: 250 };
const dir = mkdtempSync(join(tmpdir(), 'tusk-shard-archive-'));

let t: TestApp;
let shared: string;

const as = async (tenant: string, method: string, path: string, body?: unknown) => t.api(method, path, body, await tenantAuth(tenant));
const tenantDb = (tenant: string) => withDatabase(shared, locationName(tenant)) as string;

beforeAll(async () => {
  shared = inject('pgUrl');
  const control = await createTestDatabase(shared);
  const tenancy = `{ mode = "database", control = "${control}", shards = [ { name = "s1", connection = "${shared}" } ] }`;
  // a stream is archived once edited (its newest event stays in the table), checked every 200 ms
  const archive = `archive = { on = "NoteEdited", storage = "files", dir = "${dir}", interval = "200ms" }, tenancy = `;
  t = await startTestApp(await modelOf(shardedApp(control, tenancy).replace('tenancy = ', archive)));
  for (const tenant of [A, B]) expect((await t.api('POST', '/tenants', { id: tenant }, operatorAuth)).status).toBe(201);
}, 180_000);
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('archived events in tenancy mode "database"', () => {
  it("reads a tenant's events back from its archive files stamped with its tenant", async () => {
    for (const tenant of [A, B]) {
      expect((await as(tenant, 'POST', '/aggregates/note/n1/commands/CreateNote', { text: `${tenant} v1` })).status).toBe(200);
      for (const v of [2, 3])
        expect((await as(tenant, 'POST', '/aggregates/note/n1/commands/EditNote', { text: `${tenant} v${v}` })).status).toBe(200);
    }
    // archived: versions 1 and 2 left each tenant's table for a file in the tenant's own folder
    for (const tenant of [A, B])
      await expect
        .poll(
          async () => (await queryOnce<{ version: number }>(tenantDb(tenant), 'SELECT version FROM events')).map((r) => r.version),
          POLL,
        )
        .toEqual([3]);
    for (const tenant of [A, B]) {
      const folder = join(dir, locationName(tenant));
      expect(existsSync(folder) && readdirSync(folder).some((f) => f.endsWith('.ndjson.gz'))).toBe(true);
    }

    for (const tenant of [A, B]) {
      const events = (await as(tenant, 'GET', '/events')).body.events as EventJson[];
      expect(events.map((e) => [e.version, e.tenant, (e.data as { text: string }).text])).toEqual([
        [1, tenant, `${tenant} v1`],
        [2, tenant, `${tenant} v2`],
        [3, tenant, `${tenant} v3`],
      ]);
    }
  });
});
