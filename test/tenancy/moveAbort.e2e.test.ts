/**
 * A tenant move whose process dies, and its recovery (`tusk-es tenant move <file> <id> --abort`,
 * `POST /tenants/{id}/move/abort`). One real `tusk-es serve` runs the default app in tenancy
 * mode "database" on a control database and two shards (two PostgreSQL servers); the real CLI
 * moves tenant `stuck` while the test holds table locks that stop it at chosen points (a writer's
 * lock on the old place's log holds the fence back, a SHARE lock on the target's tables holds the
 * copy after the fence), so the move is alive at the map's `moving` with its old place fenced
 * for as long as the test needs. Then: an abort is refused while the move lives; the move is
 * SIGKILLed; the tenant's commands get 503 TENANT_MOVING; a new move is refused naming the
 * abort; `--abort` exits 0, takes the fence down and the tenant's commands succeed at its old
 * place with its log as it was; a second abort (CLI and route) says nothing was stuck. And a
 * move killed while `copying` (held by a reader of the target) is aborted alike, after which the
 * next move empties the target's partial copy and completes.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BIN, runCli } from '../support/cli.js';
import { api } from '../support/fleet.js';
import { createTestDatabase, queryOnce, startPostgres, type PostgresServer } from '../support/postgres.js';
import { signal, spawnLogged, type Started } from '../support/processes.js';
import { startServer, type ServerProcess } from '../support/server.js';
import { createProducts, logOf, type TenantCall } from './moveLedger.js';
import { shopApp, tenantToken } from './tenantHelpers.js';

const SECRET = 'the-move-abort-test-secret-of-32-characters!';
const OPERATOR = 'move-abort-operator-token';
const run = randomUUID().slice(0, 6);
const STUCK = `stuck-${run}`;
const POLL = { timeout: 120_000, interval: 100 };
/** Tables of a tenant store a move does not copy (moveTenant.ts NOT_COPIED). */
const NOT_COPIED = ['events', 'schema_migrations', 'leases', 'store_identity', 'tenants', 'tenant_shards'];

let own: PostgresServer;
let shards: Record<string, string>;
let control: string;
let dir: string;
let file: string;
let server: ServerProcess;
let mover: Started | undefined;
const clients: pg.Client[] = [];
const operator = { authorization: `Bearer ${OPERATOR}` };

const call: TenantCall = async (method, path, body, headers = {}) =>
  api(server, method, path, body, { authorization: `Bearer ${await tenantToken(SECRET, STUCK)}`, ...headers });

const placeOf = async () =>
  (
    await queryOnce<{ shard: string; state: string; location: string }>(
      control,
      'SELECT shard, state, location FROM tenant_shards WHERE tenant = $1',
      [STUCK],
    )
  )[0]!;

/** The URL of database `location` on shard `shard`. */
function databaseUrl(shard: string, location: string): string {
  const url = new URL(shards[shard]!);
  url.pathname = `/${location}`;
  return url.toString();
}

/** A client of its own on `url`, ended in afterAll. */
async function client(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  clients.push(c);
  return c;
}

const fences = async (url: string) =>
  Number((await queryOnce<{ n: string }>(url, `SELECT count(*) AS n FROM pg_trigger WHERE tgname = 'tusk_tenant_moved'`))[0]!.n);

beforeAll(async () => {
  own = await startPostgres();
  const shared = inject('pgUrl');
  shards = { s1: own.url, s2: shared };
  control = await createTestDatabase(shared);
  dir = mkdtempSync(join(tmpdir(), 'tusk-move-abort-'));
  file = join(dir, 'app.tsk');
  const tenancy = `{ mode = "database", control = "${control}", shards = [ { name = "s1", connection = "${own.url}" }, { name = "s2", connection = "${shared}" } ] }`;
  writeFileSync(
    file,
    shopApp(`event_store = { type = "postgresql", connection = "${control}", pool_size = 4, tenancy = ${tenancy} }`, SECRET, [OPERATOR]),
  );
  const created = await runCli(['tenant', 'create', file, STUCK], {}, dir);
  expect(created.code, created.stderr).toBe(0);
  server = await startServer(file, { cwd: dir, timeoutMs: 120_000 });
}, 240_000);

afterAll(async () => {
  if (mover !== undefined && !mover.gone()) {
    signal(mover.pid, 'SIGKILL');
    await mover.exited;
  }
  for (const c of clients) await c.end().catch(() => undefined);
  await server?.kill();
  await own?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** Starts the real CLI's move of STUCK to a shard and waits until the map says `state` (a lock holds it there). */
async function startMove(to: string, logName: string, state: 'copying' | 'moving'): Promise<Started> {
  const log = join(dir, logName);
  mover = spawnLogged(process.execPath, [BIN, 'tenant', 'move', file, STUCK, '--to', to], log, {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
  });
  const started = mover;
  await expect.poll(async () => (started.gone() ? `exited: ${readFileSync(log, 'utf8')}` : (await placeOf()).state), POLL).toBe(state);
  return started;
}

/** Once the dead move's lease lapsed, a new move of STUCK is refused (exit 1, `said`) and names the abort. */
async function refusesNewMove(to: string, said: RegExp): Promise<void> {
  await expect
    .poll(
      async () =>
        (
          await queryOnce<{ lapsed: boolean }>(control, 'SELECT expires_at < now() AS lapsed FROM leases WHERE name = $1', [
            `tenant-move/${STUCK}`,
          ])
        )[0]?.lapsed,
      POLL,
    )
    .toBe(true);
  const again = await runCli(['tenant', 'move', file, STUCK, '--to', to], {}, dir);
  expect(again.code, again.stderr).toBe(1);
  expect(again.stderr).toMatch(said);
  expect(again.stderr).toMatch(/--abort/);
}

describe('a tenant move whose process died', () => {
  it('is refused to abort while alive, then aborted: the tenant works again at its old place with nothing lost', async () => {
    await createProducts(call, 20);
    const from = await placeOf();
    expect(from.state).toBe('active');
    const to = from.shard === 's1' ? 's2' : 's1';
    const source = databaseUrl(from.shard, from.location);
    const target = databaseUrl(to, from.location);
    const before = await logOf(shards[from.shard]!, from.location);
    expect(before.length).toBeGreaterThanOrEqual(20);

    // a writer's lock on the old place's log: the move's fence waits for it (up to 30 s)
    const writer = await client(source);
    await writer.query('BEGIN');
    await writer.query('LOCK TABLE events IN ROW EXCLUSIVE MODE');
    mover = await startMove(to, 'move.log', 'moving');

    // the target is ready (emptied, caught up): a SHARE lock on the tables copied after the fence holds the move there
    const holder = await client(target);
    await holder.query('BEGIN');
    const copied = await holder.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND NOT (tablename = ANY($1::text[])) ORDER BY 1`,
      [NOT_COPIED],
    );
    expect(copied.rows.length).toBeGreaterThan(0);
    await holder.query(`LOCK TABLE ${copied.rows.map((r) => `"${r.name}"`).join(', ')} IN SHARE MODE`);
    await writer.query('COMMIT');
    await expect.poll(() => fences(source), POLL).toBeGreaterThan(0);

    // the move is alive (fenced its old place, copying): an abort is refused, by the CLI and the route
    const busy = await runCli(['tenant', 'move', file, STUCK, '--abort'], {}, dir);
    expect(busy.code, busy.stderr).toBe(1);
    expect(busy.stderr).toMatch(/is running/);
    const busyRoute = await api(server, 'POST', `/tenants/${STUCK}/move/abort`, undefined, operator);
    expect(busyRoute.status, JSON.stringify(busyRoute.body)).toBe(409);
    expect(busyRoute.body.error?.code).toBe('TENANT_BUSY');
    expect(mover.gone()).toBe(false);

    // the move's process dies mid-move: the map stays 'moving', the old place fenced
    signal(mover.pid, 'SIGKILL');
    await mover.exited;
    await holder.query('ROLLBACK');
    expect(await placeOf()).toMatchObject({ shard: from.shard, location: from.location, state: 'moving' });
    expect(await fences(source)).toBeGreaterThan(0);

    // the tenant's commands are held, then refused (503 TENANT_MOVING after the 30 s hold)
    const refused = await call('POST', '/aggregates/product/late/commands/CreateProduct', {
      sku: 'LATE',
      name: 'late',
      price: 1,
      stock: 1,
    });
    expect(refused.status, JSON.stringify(refused.body)).toBe(503);
    expect(refused.body.error?.code).toBe('TENANT_MOVING');

    // once the dead move's lease lapsed, a new move is refused and names the abort
    await refusesNewMove(to, /TENANT_BUSY|is moving/);

    // the abort: the fence comes down, the row is active at the old place, the log is as it was
    const aborted = await runCli(['tenant', 'move', file, STUCK, '--abort'], {}, dir);
    expect(aborted.code, aborted.stderr).toBe(0);
    expect(JSON.parse(aborted.stdout)).toMatchObject({ tenant: STUCK, shard: from.shard, found: 'moving', aborted: true });
    expect(JSON.parse(aborted.stdout).unfenced).toBeGreaterThan(0);
    expect(await placeOf()).toMatchObject({ shard: from.shard, location: from.location, state: 'active' });
    expect(await fences(source)).toBe(0);
    expect(await logOf(shards[from.shard]!, from.location)).toEqual(before);

    // the tenant's commands succeed again, at the old place
    await expect
      .poll(
        async () =>
          (await call('POST', '/aggregates/product/after/commands/CreateProduct', { sku: 'AFTER', name: 'after', price: 1, stock: 1 }))
            .status,
        POLL,
      )
      .toBe(200);
    const after = await logOf(shards[from.shard]!, from.location);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length).map((e) => e.stream_id)).toEqual(['after']);

    // nothing is stuck any more: a second abort (CLI and route) says so and changes nothing
    const second = await runCli(['tenant', 'move', file, STUCK, '--abort'], {}, dir);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ tenant: STUCK, found: 'active', aborted: false, unfenced: 0 });
    expect(second.stderr).toMatch(/nothing was stuck/);
    const route = await api(server, 'POST', `/tenants/${STUCK}/move/abort`, undefined, operator);
    expect(route.status, JSON.stringify(route.body)).toBe(200);
    expect(route.body).toMatchObject({ tenant: STUCK, shard: from.shard, found: 'active', aborted: false });
    expect(await placeOf()).toMatchObject({ shard: from.shard, state: 'active' });
  }, 400_000);

  // follows the first test: the target holds its partial copy
  it('aborts (by the route) a move that died while copying, and the next move empties the partial copy and completes', async () => {
    const from = await placeOf();
    const to = from.shard === 's1' ? 's2' : 's1';
    const before = await logOf(shards[from.shard]!, from.location);
    // a reader of the target's log: the move's emptying of the target (TRUNCATE) waits for it, the map saying 'copying'
    const reader = await client(databaseUrl(to, from.location));
    await reader.query('BEGIN');
    await reader.query('LOCK TABLE events IN ACCESS SHARE MODE');
    mover = await startMove(to, 'move-copying.log', 'copying');
    const busy = await runCli(['tenant', 'move', file, STUCK, '--abort'], {}, dir);
    expect(busy.code, busy.stderr).toBe(1);
    expect(busy.stderr).toMatch(/is running/);
    signal(mover.pid, 'SIGKILL');
    await mover.exited;
    await reader.query('ROLLBACK');
    expect(await placeOf()).toMatchObject({ shard: from.shard, state: 'copying' });
    // a tenant left 'copying' is not moved again before the abort either (it was: the new move ran)
    await refusesNewMove(to, /is copying/);

    // the route's abort, retried while the dead move's lease has not lapsed (409 TENANT_BUSY until then)
    const abort = () => api(server, 'POST', `/tenants/${STUCK}/move/abort`, undefined, operator);
    let aborted = await abort();
    for (const deadline = Date.now() + 60_000; aborted.status === 409 && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 200)); // a poll interval
      aborted = await abort();
    }
    expect(aborted.status, JSON.stringify(aborted.body)).toBe(200);
    expect(aborted.body).toMatchObject({ tenant: STUCK, shard: from.shard, found: 'copying', aborted: true, unfenced: 0 });
    expect(await placeOf()).toMatchObject({ shard: from.shard, location: from.location, state: 'active' });
    await expect
      .poll(
        async () =>
          (await call('POST', '/aggregates/product/copying/commands/CreateProduct', { sku: 'C', name: 'c', price: 1, stock: 1 })).status,
        POLL,
      )
      .toBe(200);
    const now = await logOf(shards[from.shard]!, from.location);
    expect(now.slice(0, before.length)).toEqual(before);
    expect(now.length).toBe(before.length + 1);

    // the next move starts by emptying the partial copy, and completes
    const moved = await runCli(['tenant', 'move', file, STUCK, '--to', to], {}, dir);
    expect(moved.code, moved.stderr).toBe(0);
    expect(await placeOf()).toMatchObject({ shard: to, state: 'active' });
    expect(await logOf(shards[to]!, from.location)).toEqual(now);
  }, 400_000);
});
