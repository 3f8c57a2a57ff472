/**
 * Retention and deletion of streams over real HTTP, on PostgreSQL and on the embedded store:
 * truncation with a closing snapshot keeps the state (issue 16, acceptance 3), the retention
 * job does the same in the background, soft delete makes the aggregate read-only, hard delete
 * removes the events and the read models' rows while every other position stays, and a
 * consumer started after a removal passes over it.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pino } from 'pino';
import { LogConsumer } from '../../src/consumers/LogConsumer.js';
import type { StoredEvent } from '../../src/store/EventStore.js';
import { createTestDatabase } from '../support/postgres.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { eventually, modelOf } from '../projections/helpers.js';

const TOKEN = 'operator-token';
const auth = { authorization: `Bearer ${TOKEN}` };

const account = (retention: string) => `{
        state = { balance = 0, deposits = 0, owner = "" }
        unique = ["owner"]
        ${retention}
        commands = {
            Open = { creates = true, input = { owner = "string" }, emits = "Opened" }
            Deposit = { input = { amount = "number" }, emits = "Deposited" }
        }
        apply = { Deposited = { balance = "balance + data.amount", deposits = "deposits + 1" } }
    }`;

const app = (store: string) => `
event_store = ${store}
server = { auth = { tokens = ["${TOKEN}"] } }
projection_defaults = { poll_interval = "50ms" }
aggregates = {
    account = ${account('')}
    ledger = ${account('retention = { max_count = 4, check_every = "200ms" }')}
}
projections = {
    balances = {
        table = "balances"
        events = ["Opened", "Deposited"]
        on_stream_deleted = "delete"
        on_snapshot = { action = "upsert", fields = { owner = "data.state.owner", balance = "data.state.balance" } }
        mapping = {
            Opened = { action = "insert", fields = { owner = "data.owner", balance = "0" } }
            Deposited = { action = "update", fields = { balance = "balance + data.amount" } }
        }
    }
    totals = {
        table = "totals"
        mode = "async"
        events = ["Deposited"]
        on_stream_deleted = "delete"
        on_snapshot = { action = "upsert", fields = { total = "data.state.balance" } }
        mapping = { Deposited = { action = "upsert", fields = { total = "COALESCE(total, 0) + data.amount" } } }
    }
}
`;

const STORES = [
  { kind: 'postgresql', store: async () => `{ type = "postgresql", connection = "${await createTestDatabase(inject('pgUrl'))}" }` },
  { kind: 'embedded', store: async () => '{ type = "embedded", data_dir = "memory://" }' },
];

describe.each(STORES)('stream removals on the $kind store', ({ store }) => {
  let t: TestApp;
  const call = (method: string, path: string, body?: unknown) => t.api(method, path, body, auth);
  const command = (type: string, id: string, name: string, input: unknown) =>
    call('POST', `/aggregates/${type}/${id}/commands/${name}`, input);
  const events = async (type: string, id: string): Promise<{ type: string; version: number; position: number }[]> =>
    (await call('GET', `/aggregates/${type}/${id}/events`)).body.events;

  async function openWithDeposits(type: string, id: string, amounts: number[]): Promise<void> {
    expect((await command(type, id, 'Open', { owner: `owner-${type}-${id}` })).status).toBe(200);
    for (const amount of amounts) expect((await command(type, id, 'Deposit', { amount })).status).toBe(200);
  }

  /** Waits until removal `id` is done (the background job), and returns it. */
  async function removalDone(location: string): Promise<Record<string, unknown>> {
    return eventually(
      async () => (await call('GET', location)).body,
      (r) => r.status === 'done' || r.status === 'failed',
      `removal ${location}`,
      60_000,
    ).then((r) => {
      expect(r.status).toBe('done');
      return r;
    });
  }

  beforeAll(async () => {
    t = await startTestApp(await modelOf(app(await store())));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('truncation leaves a closing snapshot: the state after it equals the state before (acceptance 3)', async () => {
    await openWithDeposits('account', 'a1', [5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560]);
    const before = (await call('GET', '/aggregates/account/a1')).body;
    expect(before).toMatchObject({ version: 11, state: { balance: 5115, deposits: 10 } });
    const atSeven = (await call('GET', '/aggregates/account/a1?version=7')).body;
    const positions = await events('account', 'a1');

    const queued = await call('POST', '/aggregates/account/a1/truncate?before=8');
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ kind: 'truncate', aggregate_type: 'account', aggregate_id: 'a1', before_version: 8 });
    const done = await removalDone(queued.headers.get('location')!);
    expect(done.events_removed).toBe(7);

    expect((await call('GET', '/aggregates/account/a1')).body).toEqual(before);
    const after = await events('account', 'a1');
    // The newest removed event became the closing snapshot, at its version and position; the rest kept theirs.
    expect(after.map((e) => e.version)).toEqual([7, 8, 9, 10, 11]);
    expect(after[0]).toMatchObject({ type: '$snapshot', position: positions[6]!.position, data: { state: atSeven.state } });
    expect(after.slice(1).map((e) => e.position)).toEqual(positions.slice(7).map((e) => e.position));
    // Temporal reads: at or after the cut the same state as before; before it, 410.
    expect((await call('GET', '/aggregates/account/a1?version=7')).body).toEqual(atSeven);
    const gone = await call('GET', '/aggregates/account/a1?version=3');
    expect(gone.status).toBe(410);
    expect(gone.body.error).toMatchObject({ code: 'HISTORY_TRUNCATED', details: { first_version: 7 } });
    // The stream goes on from the same state.
    expect((await command('account', 'a1', 'Deposit', { amount: 1 })).body.version).toBe(12);
    expect((await call('GET', '/aggregates/account/a1')).body.state).toMatchObject({ balance: 5116, deposits: 11 });
  });

  it('the retention job truncates streams past max_count in the background, keeping their state', async () => {
    await openWithDeposits('ledger', 'l1', [1, 2, 3, 4, 5, 6, 7, 8]);
    const expected = { balance: 36, deposits: 8, owner: 'owner-ledger-l1' };
    const kept = await eventually(
      () => events('ledger', 'l1'),
      (list) => list.length === 4 && list[0]!.type === '$snapshot',
      'ledger l1 truncated to 4 events',
      60_000,
    );
    expect(kept.map((e) => e.version)).toEqual([6, 7, 8, 9]);
    expect((await call('GET', '/aggregates/ledger/l1')).body).toMatchObject({ version: 9, state: expected });
  });

  it('soft delete appends a tombstone: commands answer 409 STREAM_DELETED, the events and the state stay readable', async () => {
    await openWithDeposits('account', 'a2', [7]);
    const deleted = await t.api('DELETE', '/aggregates/account/a2', undefined, auth);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id: 'a2', type: 'account', version: 3, deleted: true });
    const refused = await command('account', 'a2', 'Deposit', { amount: 1 });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('STREAM_DELETED');
    expect((await command('account', 'a2', 'Open', { owner: 'x' })).body.error.code).toBe('STREAM_DELETED');
    expect((await call('GET', '/aggregates/account/a2')).body).toEqual({
      id: 'a2',
      type: 'account',
      version: 3,
      state: { balance: 7, deposits: 1, owner: 'owner-account-a2' },
      deleted: true,
    });
    expect((await events('account', 'a2')).map((e) => e.type)).toEqual(['Opened', 'Deposited', '$deleted']);
    expect((await t.api('DELETE', '/aggregates/account/a2', undefined, auth)).body.error.code).toBe('STREAM_DELETED');
    // Its unique value was released with the tombstone.
    expect((await command('account', 'a2bis', 'Open', { owner: 'owner-account-a2' })).status).toBe(200);
  });

  it('hard delete removes the events and the projection rows; every other event keeps its position; a later consumer passes over them', async () => {
    await openWithDeposits('account', 'a3', [1, 2]);
    await openWithDeposits('account', 'a4', [3]);
    await eventually(
      async () => (await call('GET', '/projections/totals/a3')).body,
      (row) => row.total === 3,
      'totals row of a3',
    );
    const log = async (): Promise<StoredEvent[]> => t.started.runtime.store.readAll({ after: 0, limit: 10_000 });
    const others = (await log()).filter((e) => e.streamId !== 'a3').map((e) => [e.streamId, e.version, e.position]);

    expect((await t.api('DELETE', '/aggregates/account/a3?hard=true')).status).toBe(401);
    const queued = await t.api('DELETE', '/aggregates/account/a3?hard=true', undefined, auth);
    expect(queued.status).toBe(202);
    const done = await removalDone(queued.headers.get('location')!);
    expect(done.events_removed).toBe(4); // Opened, two deposits and the tombstone

    expect((await call('GET', '/aggregates/account/a3')).body.error.code).toBe('STREAM_NOT_FOUND');
    expect((await call('GET', '/aggregates/account/a3/events')).status).toBe(404);
    expect((await call('GET', '/projections/balances/a3')).status).toBe(404);
    expect((await call('GET', '/projections/totals/a3')).status).toBe(404);
    expect((await call('GET', '/projections/balances/a4')).body).toMatchObject({ balance: 3 });
    const remaining = await log();
    expect(remaining.some((e) => e.streamId === 'a3')).toBe(false);
    expect(remaining.map((e) => [e.streamId, e.version, e.position])).toEqual(others);

    // A consumer that starts now reads the whole log past the removed positions.
    const seen: StoredEvent[] = [];
    const runtime = t.started.runtime;
    const consumer = new LogConsumer(
      { store: runtime.store, logger: pino({ level: 'silent' }), owner: 'test', pollIntervalMs: 50, leaseTtlMs: 5_000 },
      { name: 'test:after-removal', batchSize: 3, handler: { handle: async (batch) => void seen.push(...batch.events) } },
    );
    consumer.start();
    try {
      const head = await runtime.store.headPosition();
      await eventually(
        () => runtime.store.loadCheckpoint('test:after-removal'),
        (c) => c >= head,
        'consumer checkpoint at the head',
        60_000,
      );
    } finally {
      await consumer.stop();
    }
    expect(seen.map((e) => e.position)).toEqual(remaining.map((e) => e.position));
  });

  it('a rebuild after truncations and a hard delete folds the closing snapshots (on_snapshot): the same rows as before', async () => {
    const sorted = (rows: { id: string }[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id));
    // Truncated streams: a1 (by the operator, then one more deposit) and l1 (by the retention job).
    const expected: Record<string, Record<string, Record<string, unknown>>> = {
      balances: { a1: { owner: 'owner-account-a1', balance: 5116 }, l1: { owner: 'owner-ledger-l1', balance: 36 }, a4: { balance: 3 } },
      totals: { a1: { total: 5116 }, l1: { total: 36 }, a4: { total: 3 } },
    };
    for (const [name, wanted] of Object.entries(expected)) {
      const matches = (rows: { id: string }[]) =>
        Object.entries(wanted).every(([id, row]) => {
          const found = rows.find((r) => r.id === id) as Record<string, unknown> | undefined;
          return found !== undefined && Object.entries(row).every(([k, v]) => Number(found[k]) === v || found[k] === v);
        });
      const before = await eventually(
        async () => (await call('GET', `/projections/${name}?limit=1000`)).body.rows as { id: string }[],
        matches,
        `${name} rows of a1, l1 and a4`,
        60_000,
      );
      const rebuilt = await call('POST', `/projections/${name}/rebuild?wait=true`);
      expect(rebuilt.status).toBe(200);
      const after = (await call('GET', `/projections/${name}?limit=1000`)).body.rows as { id: string }[];
      // Without the closing snapshots a1 and l1 would lose their first events' effect (or their row).
      expect(matches(after), JSON.stringify(after)).toBe(true);
      expect(sorted(after)).toEqual(sorted(before));
      expect(after.some((r) => r.id === 'a3')).toBe(false);
    }
  });

  it('operator routes check their input', async () => {
    expect((await call('POST', '/aggregates/account/nobody/truncate?before=2')).body.error.code).toBe('STREAM_NOT_FOUND');
    expect((await call('POST', '/aggregates/account/a4/truncate')).status).toBe(400);
    expect((await call('POST', '/aggregates/nothing/a4/truncate?before=2')).body.error.code).toBe('UNKNOWN_AGGREGATE_TYPE');
    expect((await call('GET', '/removals/999999')).body.error.code).toBe('REMOVAL_NOT_FOUND');
    expect((await call('GET', '/removals')).body.removals.length).toBeGreaterThan(0);
  });
});

describe('operator removals without server.auth.tokens', () => {
  it('answer 403 OPERATOR_AUTH_REQUIRED; soft delete still works', async () => {
    const open = await startTestApp(
      await modelOf(app('{ type = "embedded", data_dir = "memory://" }').replace(`server = { auth = { tokens = ["${TOKEN}"] } }`, '')),
    );
    try {
      expect((await open.api('POST', '/aggregates/account/x/commands/Open', { owner: 'x' })).status).toBe(200);
      const hard = await open.api('DELETE', '/aggregates/account/x?hard=true');
      expect(hard.status).toBe(403);
      expect(hard.body.error.code).toBe('OPERATOR_AUTH_REQUIRED');
      expect((await open.api('POST', '/aggregates/account/x/truncate?before=2')).body.error.code).toBe('OPERATOR_AUTH_REQUIRED');
      expect((await open.api('DELETE', '/aggregates/account/x')).body).toMatchObject({ deleted: true, version: 2 });
    } finally {
      await open.close();
    }
  });
});
