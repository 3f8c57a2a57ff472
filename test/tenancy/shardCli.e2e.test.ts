/**
 * Tenancy mode "database" through the real CLI (issue 20): `tusk-es tenant create` places each
 * new tenant by the declared policy ("hash" here) in the control database's map, creates its
 * database on its shard and migrates it; `tusk-es serve` then serves each tenant from its own
 * database; `rebuild` and `hard-delete` need `--tenant` and act on that tenant's store only; `check` reports a database mode without shards
 * with its location.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chooseShard, locationName } from '../../src/tenancy/shards/placement.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, queryOnce as sql } from '../support/postgres.js';
import { startServer, type ServerProcess } from '../support/server.js';
import { shardedApp, tenantAuth } from './shardFixtures.js';

let dir: string;
let file: string;
let control: string;
let server: ServerProcess | undefined;
const run = randomUUID().slice(0, 6);
const TENANTS = [`red-${run}`, `green-${run}`, `blue-${run}`];

const databaseUrl = (name: string) => {
  const url = new URL(inject('pgUrl'));
  url.pathname = `/${name}`;
  return url.toString();
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tusk-shard-e2e-'));
  file = join(dir, 'app.tsk');
  control = await createTestDatabase(inject('pgUrl'));
  // Two shards on the run's server (two maintenance databases): placement is what is tested here.
  const a = await createTestDatabase(inject('pgUrl'));
  const b = await createTestDatabase(inject('pgUrl'));
  const tenancy = `{ mode = "database", placement = "hash", shards = [ { name = "a", connection = "${a}" }, { name = "b", connection = "${b}" } ] }`;
  writeFileSync(file, shardedApp(control, tenancy));
}, 60_000);

afterAll(async () => {
  await server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('tusk-es tenant create in tenancy mode "database"', () => {
  it('places each tenant by its hash, creates and migrates its database, and serve serves it from there', async () => {
    const plan = {
      mode: 'database' as const,
      shards: [
        { name: 'a', connection: '' },
        { name: 'b', connection: '' },
      ],
      control: '',
      placement: 'hash' as const,
    };
    for (const tenant of TENANTS) {
      const res = await runCli(['tenant', 'create', file, tenant]);
      expect(res.code, res.stderr).toBe(0);
      expect(JSON.parse(res.stdout)).toMatchObject({ id: tenant, status: 'active', shard: chooseShard(plan, tenant, new Map()) });
      // its database exists and holds the store's tables, before any request
      expect(await sql(databaseUrl(locationName(tenant)), 'SELECT count(*)::int AS n FROM public.events')).toEqual([{ n: 0 }]);
    }
    const placements = await sql<{ tenant: string; shard: string; location: string }>(
      control,
      'SELECT tenant, shard, location FROM public.tenant_shards ORDER BY tenant',
    );
    expect(placements).toEqual(
      [...TENANTS].sort().map((tenant) => ({ tenant, shard: chooseShard(plan, tenant, new Map()), location: locationName(tenant) })),
    );

    server = await startServer(file);
    for (const tenant of TENANTS) {
      const res = await fetch(`${server.url}/aggregates/note/n1/commands/CreateNote`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(await tenantAuth(tenant)) },
        body: JSON.stringify({ text: `by ${tenant}` }),
      });
      expect(res.status, await res.clone().text()).toBe(200);
      const rows = await sql<{ text: string }>(databaseUrl(locationName(tenant)), "SELECT data->>'text' AS text FROM public.events");
      expect(rows).toEqual([{ text: `by ${tenant}` }]);
    }
  });

  it('refuses operator commands that work on one store without --tenant, naming the mode and the option', async () => {
    const res = await runCli(['rebuild', file]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('tenancy mode "database" keeps each tenant in its own store; name one with --tenant <id>');
    const unknown = await runCli(['hard-delete', file, 'note', 'n1', '--tenant', `nobody-${run}`]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`tenant "nobody-${run}" has no place in the tenant map`);
  });

  it("rebuild and hard-delete with --tenant act on that tenant's own store only", async () => {
    await server?.kill();
    server = undefined;
    const [red, green] = [TENANTS[0]!, TENANTS[1]!];
    const notes = (tenant: string) =>
      sql<{ id: string; text: string }>(databaseUrl(locationName(tenant)), 'SELECT id, text FROM public.notes');
    // the read model of red is lost; rebuilding red's projection from red's log restores it
    await sql(databaseUrl(locationName(red)), 'DELETE FROM public.notes');
    await sql(databaseUrl(locationName(green)), 'DELETE FROM public.notes');
    const rebuilt = await runCli(['rebuild', file, 'notes', '--tenant', red]);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(await notes(red)).toEqual([{ id: 'n1', text: `by ${red}` }]);
    expect(await notes(green)).toEqual([]);

    const deleted = await runCli(['hard-delete', file, 'note', 'n1', '--tenant', green]);
    expect(deleted.code, deleted.stderr).toBe(0);
    const events = (tenant: string) =>
      sql<{ n: number }>(databaseUrl(locationName(tenant)), 'SELECT count(*)::int AS n FROM public.events');
    expect(await events(green)).toEqual([{ n: 0 }]);
    expect(await events(red)).toEqual([{ n: 1 }]);
  });

  it('check reports database mode without shards at its location', async () => {
    const bad = join(dir, 'bad.tsk');
    writeFileSync(bad, `event_store = {\n    type = "postgresql"\n    connection = "${control}"\n    tenancy = { mode = "database" }\n}\n`);
    const res = await runCli(['check', bad]);
    expect(res.code).not.toBe(0);
    expect(`${res.stdout}${res.stderr}`).toMatch(
      /bad\.tsk:4:\d+: error: event_store\.tenancy\.mode: tenancy mode "database" needs `shards = \[.*\[CONFIG_INVALID\]/,
    );
  });
});
