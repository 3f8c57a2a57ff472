/**
 * The life of a projection on the embedded store: kept inline, rebuilt (while commands keep
 * appending), built from the log when it is new, caught up after running without it, and
 * switched from inline to async without applying an event twice.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { compileProjections } from '../../src/projections/compile/compileProjection.js';
import { rebuildProjection } from '../../src/projections/rebuild/rebuildProjection.js';
import type { RebuildProgress } from '../../src/projections/rebuild/RebuildProgress.js';
import type { Runtime } from '../../src/runtime/Runtime.js';
import { openEventStore } from '../../src/store/index.js';
import type { EventStore } from '../../src/store/EventStore.js';
import { allRows, eventually, modelOf, startRuntime } from './helpers.js';

const AGGREGATES = `
event_store = { data_dir = "memory://" }
aggregates = {
    account = {
        commands = {
            Open = { creates = true, input = { owner = "string" }, emits = "Opened" }
            Deposit = { input = { amount = "number" }, emits = "Deposited" }
            Note = { input = { text = "string" }, emits = "Noted" }
        }
    }
}
`;
const projections = (mode: string) => `
projections = {
    balances = {
        table = "balances"
        mode = "${mode}"
        events = ["Opened", "Deposited"]
        mapping = {
            Opened = { action = "insert", fields = { owner = "data.owner", balance = "0", deposits = "0" } }
            Deposited = { action = "update", fields = { balance = "balance + data.amount", deposits = "deposits + 1" } }
        }
    }
}
`;

const stores: EventStore[] = [];
const runtimes: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const r of runtimes.splice(0)) await r.close();
  for (const s of stores.splice(0)) await s.close();
});

async function setup(mode = 'inline') {
  const model = await modelOf(AGGREGATES + projections(mode));
  const store = await openEventStore(model.event_store);
  stores.push(store);
  return { model, store };
}

async function start(text: string, store: EventStore) {
  const started = await startRuntime(await modelOf(text), store, { leaseTtlMs: 1000 });
  runtimes.push(started);
  return started;
}

/** What the balances table must hold after `deposits` per account. */
class Oracle {
  readonly rows = new Map<string, { id: string; owner: string; balance: number; deposits: number }>();
  async open(runtime: Runtime, id: string): Promise<void> {
    await runtime.command({ aggregateType: 'account', aggregateId: id, command: 'Open', input: { owner: `owner of ${id}` } });
    this.rows.set(id, { id, owner: `owner of ${id}`, balance: 0, deposits: 0 });
  }
  async deposit(runtime: Runtime, id: string, amount: number): Promise<void> {
    await runtime.command({ aggregateType: 'account', aggregateId: id, command: 'Deposit', input: { amount } });
    const row = this.rows.get(id)!;
    row.balance += amount;
    row.deposits += 1;
  }
  expected() {
    return [...this.rows.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }
}

describe('projection lifecycle', () => {
  it('a rebuild writes the rows the inline hook wrote, and reports its progress', async () => {
    const { model, store } = await setup();
    const { runtime, system } = await start(AGGREGATES + projections('inline'), store);
    const oracle = new Oracle();
    for (let i = 0; i < 20; i++) await oracle.open(runtime, `a${String(i).padStart(2, '0')}`);
    for (let i = 0; i < 100; i++) {
      await oracle.deposit(runtime, `a${String(i % 20).padStart(2, '0')}`, (i % 7) + 0.25);
      if (i % 10 === 0) await runtime.command({ aggregateType: 'account', aggregateId: 'a00', command: 'Note', input: { text: 'n' } });
    }
    const inline = await allRows(system, 'balances');
    expect(inline).toEqual(oracle.expected());

    const reports: RebuildProgress[] = [];
    const result = await rebuildProjection(store, compileProjections(model)[0]!, { batchSize: 16, onProgress: (p) => reports.push(p) });
    expect(result.events).toBe(120);
    expect(await allRows(system, 'balances')).toEqual(inline);
    expect(reports.at(-1)).toMatchObject({ finished: true, done: 120, total: 120 });
    // the 20 Opened inserts come first: the database writes them (16, then 4), the process the rest
    expect(result.inDatabase).toBe(20);
    const done = reports.filter((r) => !r.finished).map((r) => r.done);
    expect(done.slice(0, 3)).toEqual([16, 20, 36]);
    expect(done.at(-1)).toBe(120);
    done.forEach((d, i) => expect(d - (done[i - 1] ?? 0)).toBeLessThanOrEqual(16));
    done.forEach((d, i) => expect(d).toBeGreaterThanOrEqual(done[i - 1] ?? 0));
  });

  it('loses no command appended while the rebuild replays', async () => {
    const { model, store } = await setup();
    const { runtime, system } = await start(AGGREGATES + projections('inline'), store);
    const oracle = new Oracle();
    for (let i = 0; i < 10; i++) await oracle.open(runtime, `b${i}`);
    for (let i = 0; i < 300; i++) await oracle.deposit(runtime, `b${i % 10}`, 1);
    let appended = 0;
    const seen: number[] = [];
    const rebuilding = rebuildProjection(store, compileProjections(model)[0]!, { batchSize: 8, onProgress: () => seen.push(appended) });
    const during = (async () => {
      for (let i = 0; i < 60; i++) {
        await oracle.deposit(runtime, `b${i % 10}`, 2);
        appended++;
      }
    })();
    await Promise.all([rebuilding, during]);
    // commands did commit between the rebuild's first batch and its swap
    expect(seen.at(-1)! - seen[0]!).toBeGreaterThan(0);
    expect(await allRows(system, 'balances')).toEqual(oracle.expected());
  });

  it('builds a new projection from the log at startup, and catches up after running without it', async () => {
    const { store } = await setup();
    const oracle = new Oracle();
    const without = await start(AGGREGATES, store);
    for (let i = 0; i < 5; i++) await oracle.open(without.runtime, `c${i}`);
    for (let i = 0; i < 25; i++) await oracle.deposit(without.runtime, `c${i % 5}`, 3);
    await without.close();

    const first = await start(AGGREGATES + projections('inline'), store);
    expect(await allRows(first.system, 'balances')).toEqual(oracle.expected());
    await first.close();

    const again = await start(AGGREGATES, store);
    for (let i = 0; i < 7; i++) await oracle.deposit(again.runtime, `c${i % 5}`, 10);
    await again.close();

    const second = await start(AGGREGATES + projections('inline'), store);
    expect(await allRows(second.system, 'balances')).toEqual(oracle.expected());
  });

  it('switched from inline to async, resumes at the inline checkpoint (nothing applied twice)', async () => {
    const { store } = await setup();
    const oracle = new Oracle();
    const inline = await start(AGGREGATES + projections('inline'), store);
    for (let i = 0; i < 3; i++) await oracle.open(inline.runtime, `d${i}`);
    for (let i = 0; i < 12; i++) await oracle.deposit(inline.runtime, `d${i % 3}`, 5);
    await inline.close();

    const asyncRun = await start(AGGREGATES + projections('async'), store);
    for (let i = 0; i < 6; i++) await oracle.deposit(asyncRun.runtime, `d${i % 3}`, 1);
    await eventually(
      () => allRows(asyncRun.system, 'balances'),
      (rows) => JSON.stringify(rows) === JSON.stringify(oracle.expected()),
      'async caught up',
    );
  });

  it('sees events upcast to their newest version, inline and in a rebuild', async () => {
    const text = `event_store = { data_dir = "memory://" }
events = { Joined = { version = 2, schema = { email = "string" } } }
event_versioning = { migrations = { Joined_v1_to_v2 = { from_version = 1, to_version = 2, changes = { rename_fields = { mail = "email" }, transform_fields = { email = "LOWER(value)" } } } } }
projections = { members = { table = "members", events = ["Joined"] } }`;
    const model = await modelOf(text);
    const store = await openEventStore(model.event_store);
    stores.push(store);
    const v1 = (id: string, mail: string) => ({
      streamType: 'member',
      streamId: id,
      expectedVersion: 'any' as const,
      events: [{ id: randomUUID(), type: 'Joined', eventVersion: 1, data: { mail }, metadata: {}, timestamp: new Date() }],
    });
    await store.append(v1('m1', 'ANN@EXAMPLE.COM'));
    const { system } = await start(text, store);
    // the raw v1 event reaches the inline hook too: it is upcast there
    await store.append(v1('m2', 'BOB@EXAMPLE.COM'));
    const expected = [
      { id: 'm1', email: 'ann@example.com' },
      { id: 'm2', email: 'bob@example.com' },
    ];
    expect(await allRows(system, 'members')).toEqual(expected);
    await system.rebuild('members');
    expect(await allRows(system, 'members')).toEqual(expected);
  });
});
