/**
 * Async projections on PostgreSQL: batches and checkpoint commit together (a failing event
 * leaves neither rows nor a moved checkpoint, and under on_error = "stop" stops the worker after
 * its retries; park and skip: test/consumers/poison.int.test.ts); one
 * worker runs across two processes and the other takes over when it stops; a rebuild while
 * the worker runs and commands append applies every event exactly once, also with partitions
 * run by two processes, and when the rebuild brings a new partition count.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import type { AppConfig } from '../../src/config/schema/index.js';
import { openEventStore } from '../../src/store/index.js';
import type { EventStore } from '../../src/store/EventStore.js';
import { layoutOf } from '../../src/consumers/PartitionLayout.js';
import { partitionKeys } from '../../src/consumers/partitionKeys.js';
import { compileProjections } from '../../src/projections/compile/compileProjection.js';
import { rebuildProjection } from '../../src/projections/rebuild/rebuildProjection.js';
import { createTestDatabase } from '../support/postgres.js';
import { allRows, eventually, modelOf, startRuntime } from './helpers.js';

const app = (url: string, name: string, partitions = 1) => `
event_store = { type = "postgresql", connection = "${url}" }
projection_defaults = { poll_interval = "50ms", retry_attempts = 2, on_error = "stop" }
aggregates = {
    account = {
        commands = {
            Deposit = { input = { amount = "number" }, emits = "Deposited" }
        }
    }
}
projections = {
    ${name} = {
        table = "${name}"
        mode = "async"
        batch_size = 7
        partitions = ${partitions}
        events = ["Deposited"]
        mapping = {
            Deposited = { action = "upsert", fields = { id = "aggregate_id", total = "COALESCE(total, 0) + data.amount", deposits = "COALESCE(deposits, 0) + 1", last = "data.amount" } }
        }
    }
}
`;

const stores: EventStore[] = [];
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});
afterAll(async () => {
  for (const s of stores) await s.close();
});

/** A fresh database (each test's projection reads every Deposited event of its log). */
async function open(name: string, partitions = 1): Promise<{ model: AppConfig; store: EventStore; url: string }> {
  const url = await createTestDatabase(inject('pgUrl'));
  const model = await modelOf(app(url, name, partitions));
  const store = await openEventStore(model.event_store);
  stores.push(store);
  return { model, store, url };
}

async function start(model: AppConfig, store: EventStore) {
  const started = await startRuntime(model, store, { leaseTtlMs: 600 });
  closers.push(() => started.close());
  return started;
}

function deposit(store: EventStore, id: string, amount: unknown) {
  const event = { id: randomUUID(), type: 'Deposited', eventVersion: 1, data: { amount }, metadata: {}, timestamp: new Date() };
  return store.append({ streamType: 'account', streamId: id, expectedVersion: 'any', events: [event] });
}

describe('async projections', () => {
  it('a failing event rolls back its whole batch and the checkpoint, and stops the worker after its retries', async () => {
    const { model, store } = await open('failing');
    await deposit(store, 'a', 1);
    await deposit(store, 'b', 2);
    await deposit(store, 'a', 'not a number');
    await deposit(store, 'c', 3);
    const { system } = await start(model, store);
    const worker = system.workers.get('failing')!;
    await eventually(
      async () => worker.state,
      (s) => s === 'failed',
      'worker failed',
    );
    expect(worker.error).toMatch(/projection failing cannot apply/);
    expect(await allRows(system, 'failing')).toEqual([]);
    expect(await store.loadCheckpoint('projection:failing')).toBe(0);
  });

  it('runs in one process at a time; the other takes over when it stops, and every event counts once', async () => {
    const { model, store } = await open('shared');
    const one = await start(model, store);
    const two = await start(model, store);
    const expected = new Map<string, { total: number; deposits: number }>();
    const add = async (id: string, amount: number) => {
      await deposit(store, id, amount);
      const e = expected.get(id) ?? { total: 0, deposits: 0 };
      expected.set(id, { total: e.total + amount, deposits: e.deposits + 1 });
    };
    const rows = () => [...expected].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, e]) => ({ id, ...e }));
    const strip = (r: Record<string, unknown>[]) => r.map(({ last: _last, ...rest }) => rest);
    for (let i = 0; i < 40; i++) await add(`s${i % 4}`, i);
    await eventually(
      () => allRows(one.system, 'shared').then(strip),
      (r) => JSON.stringify(r) === JSON.stringify(rows()),
      'first 40 applied',
    );
    const states = [one.system.workers.get('shared')!.state, two.system.workers.get('shared')!.state].sort();
    expect(states).toEqual(['running', 'standby']);

    const leader = one.system.workers.get('shared')!.state === 'running' ? one : two;
    const follower = leader === one ? two : one;
    await leader.close();
    for (let i = 0; i < 30; i++) await add(`s${i % 5}`, 1);
    await eventually(
      () => allRows(follower.system, 'shared').then(strip),
      (r) => JSON.stringify(r) === JSON.stringify(rows()),
      'follower took over',
    );
    expect(follower.system.workers.get('shared')!.state).toBe('running');
  });

  it('a rebuild while the worker runs and events keep coming applies each event exactly once', async () => {
    const { model, store } = await open('rebuilt');
    const { system } = await start(model, store);
    let expectedTotal = 0;
    let count = 0;
    for (let i = 0; i < 500; i++) {
      await deposit(store, `r${i % 10}`, 1);
      expectedTotal += 1;
      count++;
    }
    const rebuilding = system.rebuild('rebuilt');
    while (system.rebuildState('rebuilt').running !== undefined) {
      await deposit(store, `r${count % 10}`, 2);
      expectedTotal += 2;
      count++;
    }
    await rebuilding;
    for (let i = 0; i < 20; i++) {
      await deposit(store, `r${i % 10}`, 3);
      expectedTotal += 3;
      count++;
    }
    const sum = (rows: Record<string, unknown>[]) => rows.reduce((s, r) => s + Number(r.total), 0);
    const n = (rows: Record<string, unknown>[]) => rows.reduce((s, r) => s + Number(r.deposits), 0);
    const rows = await eventually(
      () => allRows(system, 'rebuilt'),
      (r) => n(r) >= count,
      'caught up',
    );
    expect({ deposits: n(rows), total: sum(rows) }).toEqual({ deposits: count, total: expectedTotal });
    expect(count).toBeGreaterThan(520);
  });

  it('with partitions run by two processes, a rebuild while events keep coming applies each event exactly once, and restarts every partition at its position', async () => {
    const { model, store } = await open('parted', 3);
    // two processes: two stores (one store object is one member of the fleet)
    const other = await openEventStore(model.event_store);
    stores.push(other);
    const one = await start(model, store);
    const two = await start(model, other);
    let count = 0;
    let total = 0;
    const add = async (amount: number) => {
      await deposit(store, `p${count % 12}`, amount);
      count++;
      total += amount;
    };
    for (let i = 0; i < 300; i++) await add(1);
    const rebuilding = one.system.rebuild('parted');
    while (one.system.rebuildState('parted').running !== undefined) await add(2);
    const result = await rebuilding;
    for (let i = 0; i < 30; i++) await add(3);
    const sums = (rows: Record<string, unknown>[]) => ({
      deposits: rows.reduce((s, r) => s + Number(r.deposits), 0),
      total: rows.reduce((s, r) => s + Number(r.total), 0),
    });
    const rows = await eventually(
      () => allRows(two.system, 'parted'),
      (r) => sums(r).deposits >= count,
      'caught up',
    );
    expect(sums(rows)).toEqual({ deposits: count, total });
    expect(count).toBeGreaterThan(330);
    // every partition went on from the rebuild's position; both processes ran some
    const keys = partitionKeys('projection:parted', 3);
    for (const key of keys) expect(await store.loadCheckpoint(key)).toBeGreaterThanOrEqual(result.position);
    await eventually(
      async () => [one, two].map((x) => x.system.workers.get('parted')!.partitions.filter((p) => p.state === 'running').length).sort(),
      (r) => JSON.stringify(r) === '[1,2]',
      'the partitions split 2 and 1',
    );
  });

  it('a rebuild with a new partition count fences the old partitions and starts the new ones at its position', async () => {
    const { model, store, url } = await open('recount', 2);
    const old = await start(model, store);
    let count = 0;
    for (; count < 200; count++) await deposit(store, `q${count % 9}`, 1);
    await eventually(
      () => allRows(old.system, 'recount'),
      (r) => r.reduce((s, x) => s + Number(x.deposits), 0) >= 200,
      'old count caught up',
    );
    // a rebuild from a config with 4 partitions, while the process of 2 runs and events come
    const four = await modelOf(app(url, 'recount', 4));
    const rebuilding = rebuildProjection(store, compileProjections(four).find((p) => p.name === 'recount')!);
    let done = false;
    void rebuilding.finally(() => (done = true));
    while (!done) await deposit(store, `q${count++ % 9}`, 1);
    const result = await rebuilding;
    expect(await layoutOf(store, 'projection:recount')).toBe(4);
    for (const key of partitionKeys('projection:recount', 4)) expect(await store.loadCheckpoint(key)).toBe(result.position);
    // the process of 2 cannot move anything any more; one of 4 takes over from the rebuild's position
    await eventually(
      async () => old.system.workers.get('recount')!.state,
      (s) => s === 'standby',
      'the old partitions fenced',
    );
    const next = await start(four, store);
    for (let i = 0; i < 20; i++) await deposit(store, `q${count++ % 9}`, 1);
    const rows = await eventually(
      () => allRows(next.system, 'recount'),
      (r) => r.reduce((s, x) => s + Number(x.deposits), 0) >= count,
      'new count caught up',
    );
    expect(rows.reduce((s, x) => s + Number(x.deposits), 0)).toBe(count);
  });
});
