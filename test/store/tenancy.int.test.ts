/**
 * Conjoined tenancy in the store (issue 20 item 1): a tenant_id on every row, row-level
 * security with the per-transaction `tusk.tenant` setting, group commit one tenant per batch,
 * on a real PostgreSQL and an app role (no superuser, no BYPASSRLS).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import type { EventStore } from '../../src/store/EventStore.js';
import { openEventStore } from '../../src/store/index.js';
import { TENANT_TABLES } from '../../src/store/migrations/schemaMigrations.js';
import { runAsTenant } from '../../src/tenancy/tenantScope.js';
import { createAppDatabase } from '../support/postgres.js';
import { newEvent } from './contract.js';

let url: string;
let store: EventStore;
const config = (tenancy?: { mode: string }) =>
  appSchema.parse({ event_store: { type: 'postgresql', connection: url, schema: 'tenancy', ...(tenancy ? { tenancy } : {}) } }).event_store;

beforeAll(async () => {
  url = await createAppDatabase(inject('pgUrl'));
  store = await openEventStore(config({ mode: 'conjoined' }));
});
afterAll(async () => {
  await store?.close();
});

/** Rows of every tenant table as the app role, in a transaction with `tusk.tenant` set to `tenant` (none: not set). */
async function tenantsSeen(tenant: string | undefined): Promise<Map<string, string[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    if (tenant !== undefined) await client.query(`SELECT set_config('tusk.tenant', $1, true)`, [tenant]);
    const seen = new Map<string, string[]>();
    for (const table of TENANT_TABLES) {
      const { rows } = await client.query<{ t: string }>(`SELECT DISTINCT tenant_id AS t FROM ${store.tables.table(table)} ORDER BY 1`);
      seen.set(
        table,
        rows.map((r) => r.t),
      );
    }
    await client.query('ROLLBACK');
    return seen;
  } finally {
    await client.end();
  }
}

describe('conjoined store', () => {
  it('keeps the same stream id of two tenants apart: two streams, each read by its tenant only', async () => {
    const append = (tenant: string, n: number) =>
      runAsTenant(tenant, () =>
        store.append({
          streamType: 'order',
          streamId: 'o-1',
          expectedVersion: 'no_stream',
          events: Array.from({ length: n }, () => newEvent('Placed', { tenant })),
          idempotencyKey: 'k-1',
          idempotencyFingerprint: tenant,
          unique: { claim: [{ field: 'email', value: 'same@example.com' }], release: [] },
          snapshot: { version: n, state: { tenant }, configHash: 'h' },
        }),
      );
    await append('acme', 2);
    await append('globex', 3);
    await runAsTenant('acme', () => store.saveCheckpoint('reader', 7));
    await runAsTenant('globex', () => store.saveCheckpoint('reader', 9));

    const acme = await runAsTenant('acme', () => store.readStream('order', 'o-1'));
    expect(acme.map((e) => e.data)).toEqual([{ tenant: 'acme' }, { tenant: 'acme' }]);
    expect(await runAsTenant('globex', () => store.streamVersion('order', 'o-1'))).toBe(3);
    expect((await runAsTenant('acme', () => store.loadSnapshot('order', 'o-1', 'h')))?.state).toEqual({ tenant: 'acme' });
    expect((await runAsTenant('globex', () => store.lookupIdempotency('k-1')))?.fingerprint).toBe('globex');
    // Checkpoints are the system's (consumers follow every tenant's log): one per name.
    expect(await runAsTenant('acme', () => store.loadCheckpoint('reader'))).toBe(9);
    const log = await runAsTenant('globex', () => store.readAll({ after: 0, limit: 100 }));
    expect(log.map((e) => e.data)).toEqual([{ tenant: 'globex' }, { tenant: 'globex' }, { tenant: 'globex' }]);
    // Positions are global numbers: globex's head is past acme's events, which it never sees.
    expect(await runAsTenant('globex', () => store.headPosition())).toBe(log[2]!.position);
    expect(await runAsTenant('initech', () => store.readAll({ after: 0, limit: 100 }))).toEqual([]);
    // The system (consumers following the whole log) sees both tenants.
    expect((await store.readAll({ after: 0, limit: 100 })).length).toBe(5);
  });

  it('refuses an append made outside any tenant', async () => {
    await expect(
      store.append({ streamType: 'order', streamId: 'o-2', expectedVersion: 'any', events: [newEvent('Placed')] }),
    ).rejects.toMatchObject({
      code: 'TENANT_REQUIRED',
    });
  });

  it('writes concurrent appends of many tenants each under its own tenant (group commit batches one tenant)', async () => {
    const tenants = ['t1', 't2', 't3', 't4'];
    await Promise.all(
      Array.from({ length: 80 }, (_, i) => {
        const tenant = tenants[i % tenants.length]!;
        return runAsTenant(tenant, () =>
          store.append({ streamType: 'mix', streamId: `s-${i}`, expectedVersion: 'no_stream', events: [newEvent('Mixed', { tenant })] }),
        );
      }),
    );
    for (const tenant of tenants) {
      const events = (await runAsTenant(tenant, () => store.readAll({ after: 0, limit: 1000, types: ['Mixed'] }))).map((e) => e.data);
      expect(events).toHaveLength(20);
      expect(events.every((d) => (d as { tenant: string }).tenant === tenant)).toBe(true);
    }
  });

  it("shows a direct SQL query under tenant A's setting none of B's rows, on every tenant table; without a setting, no row", async () => {
    const seen = await tenantsSeen('acme');
    expect([...seen.keys()]).toEqual([...TENANT_TABLES]);
    for (const [table, tenants] of seen)
      expect(
        tenants.filter((t) => t !== 'acme'),
        table,
      ).toEqual([]);
    for (const table of ['events', 'snapshots', 'idempotency', 'uniques']) expect(seen.get(table), table).toEqual(['acme']);
    expect(seen.get('checkpoints')).toEqual([]);
    for (const [table, tenants] of await tenantsSeen(undefined)) expect(tenants, table).toEqual([]);
    // The app role cannot write a row of another tenant either.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('tusk.tenant', 'acme', true)`);
      await expect(
        client.query(`INSERT INTO ${store.tables.checkpoints} (name, position, tenant_id) VALUES ('forged', 1, 'globex')`),
      ).rejects.toThrow(/row-level security/);
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
  });

  it('refuses to open a conjoined store as a single-tenant one', async () => {
    await expect(openEventStore(config())).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
