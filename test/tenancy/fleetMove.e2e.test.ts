/**
 * Issue 20: a tenant move pauses the tenant's writes across a fleet. Two real `tusk-es serve`
 * processes run the default app in tenancy mode "database" on one control database and two
 * shards (two PostgreSQL servers); clients of tenant `mover` write through BOTH processes while
 * it is moved s1 -> s2 through one server's route, then s2 -> s1 by `tusk-es tenant move` (the
 * CLI, while both servers run). Every front reads the map's `moving` state, holds the tenant's
 * requests and closes its runtime; the move fences the old place. Then: no client saw an
 * error, the old place's log is a prefix of the new one, nothing is there twice, every
 * acknowledged event is in the final log at the position its answer gave, every order is
 * confirmed by its saga once, and both servers serve the tenant from its new place.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { api } from '../support/fleet.js';
import { createTestDatabase, queryOnce, startPostgres, type PostgresServer } from '../support/postgres.js';
import { startServer, type ServerProcess } from '../support/server.js';
import { createProducts, expectLedger, logOf, startMoveLoad, type MoveLoad, type TenantCall } from './moveLedger.js';
import { shopApp, tenantToken } from './tenantHelpers.js';

const SECRET = 'the-fleet-move-test-secret-of-32-characters';
const OPERATOR = 'fleet-move-operator-token';
const run = randomUUID().slice(0, 6);
const MOVER = `mover-${run}`;
const STAY = `stay-${run}`;
const CLIENTS = 4;
const POLL = { timeout: 120_000, interval: 250 };

let own: PostgresServer;
let shared: string;
let control: string;
let dir: string;
let file: string;
const servers: ServerProcess[] = [];
const operator = { authorization: `Bearer ${OPERATOR}` };

/** A call as `tenant` through `server`. */
const through =
  (server: () => ServerProcess, tenant: string): TenantCall =>
  async (method, path, body, headers = {}) =>
    api(server(), method, path, body, { authorization: `Bearer ${await tenantToken(SECRET, tenant)}`, ...headers });

const placeOf = async (tenant: string) =>
  (
    await queryOnce<{ shard: string; state: string; location: string }>(
      control,
      'SELECT shard, state, location FROM tenant_shards WHERE tenant = $1',
      [tenant],
    )
  )[0]!;

beforeAll(async () => {
  own = await startPostgres();
  shared = inject('pgUrl');
  control = await createTestDatabase(shared);
  dir = mkdtempSync(join(tmpdir(), 'tusk-fleet-move-'));
  file = join(dir, 'app.tsk');
  const tenancy = `{ mode = "database", control = "${control}", shards = [ { name = "s1", connection = "${own.url}" }, { name = "s2", connection = "${shared}" } ] }`;
  writeFileSync(
    file,
    shopApp(`event_store = { type = "postgresql", connection = "${control}", pool_size = 4, tenancy = ${tenancy} }`, SECRET, [OPERATOR]),
  );
  for (const tenant of [MOVER, STAY]) {
    const created = await runCli(['tenant', 'create', file, tenant]);
    expect(created.code, created.stderr).toBe(0);
  }
  for (let i = 0; i < 2; i++) servers.push(await startServer(file, { cwd: dir, timeoutMs: 120_000 }));
}, 240_000);

afterAll(async () => {
  for (const server of servers) await server.kill();
  await own?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** Waits until the load has sent `more` commands beyond what it had sent. */
async function goesOn(load: MoveLoad, more: number): Promise<void> {
  const before = load.sent();
  await expect.poll(() => load.sent(), POLL).toBeGreaterThan(before + more);
}

describe('a tenant move with two serve processes writing', () => {
  it('pauses the writes of both processes, through the route and through the CLI, and loses and duplicates nothing', async () => {
    const [a, b] = [() => servers[0]!, () => servers[1]!];
    expect(await placeOf(MOVER)).toMatchObject({ shard: 's1', state: 'active' });
    expect(await placeOf(STAY)).toMatchObject({ shard: 's2', state: 'active' });
    const location = (await placeOf(MOVER)).location;
    await createProducts(through(a, MOVER), CLIENTS);
    await createProducts(through(b, STAY), 1);

    // half the clients write through each process
    const load = startMoveLoad(Array.from({ length: CLIENTS }, (_, c) => through(c % 2 === 0 ? a : b, MOVER)));
    await goesOn(load, 40);

    // 1. through the route of one server, while the other writes too
    const moved = await api(a(), 'POST', `/tenants/${MOVER}/move`, { to: 's2' }, operator);
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ tenant: MOVER, from: 's1', to: 's2' });
    await goesOn(load, 40);
    const firstSource = await logOf(own.url, location);

    // 2. by the CLI, while both servers run and write
    const cli = await runCli(['tenant', 'move', file, MOVER, '--to', 's1'], {}, dir);
    expect(cli.code, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ tenant: MOVER, from: 's2', to: 's1' });
    await goesOn(load, 40);
    await load.stop();
    expect(load.failures.map((f) => [f.status, f.body?.error?.code, f.body?.error?.message])).toEqual([]);
    expect(await placeOf(MOVER)).toMatchObject({ shard: 's1', state: 'active' });
    expect(firstSource.length).toBeGreaterThan(0);

    // every order, through either server, is confirmed by its saga once
    for (const order of load.orders)
      await expect
        .poll(async () => (await through(b, MOVER)('GET', `/projections/order_projection/${order}`)).body?.status, POLL)
        .toBe('confirmed');
    // s2 held the tenant between the moves: s1's log at the first move is a prefix of it, and it of the final one on s1
    const between = await logOf(shared, location);
    expect(JSON.stringify(between.slice(0, firstSource.length))).toBe(JSON.stringify(firstSource));
    expectLedger(between, await logOf(own.url, location), load);

    // both servers serve the tenant from s1 now: a write through each is in s1's log
    for (const server of [a, b]) {
      const res = await through(server, MOVER)('POST', '/aggregates/user/commands/CreateUser', {
        email: `late-${servers.indexOf(server())}@example.com`,
        name: 'late',
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const [event] = res.body.events as { id: string; position: number }[];
      const final = await logOf(own.url, location);
      expect(final.find((e) => e.id === event!.id)?.position).toBe(String(event!.position));
    }
    // the other tenant was not touched
    expect((await through(a, STAY)('GET', '/aggregates/product/p0')).body.state.stock).toBe(1_000_000);
  }, 600_000); // three loads of 40+ commands, two moves and every saga (polls of up to 120 s each)
});
