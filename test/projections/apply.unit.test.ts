/**
 * Applying events to read-model tables, on the embedded PostgreSQL: the four actions, `when`,
 * unmapped events, a join, and — for random event sequences — the same rows whether every
 * write is its own statement, inserts are merged (the inline path) or inserts and upserts are
 * merged (async batches and rebuilds).
 */
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyEvents, type MergeMode } from '../../src/projections/apply/applyEvents.js';
import { applyInTransaction } from '../../src/projections/apply/applyInTransaction.js';
import type { TableRef } from '../../src/projections/apply/writeSql.js';
import { compileProjections, type CompiledProjection } from '../../src/projections/compile/compileProjection.js';
import { createTableSql } from '../../src/projections/tables/tableDdl.js';
import { openEventStore } from '../../src/store/index.js';
import type { EventStore, StoredEvent } from '../../src/store/EventStore.js';
import { qualify, quoteIdent } from '../../src/store/quoteIdent.js';
import { modelOf } from './helpers.js';

const APP = `
event_store = { data_dir = "memory://" }
events = {
    Opened = { schema = { owner = "string", limit = "number?" } }
    Noted = { schema = { note = "string?", limit = "number?", tags = "array?" } }
    Deposited = { schema = { amount = "number" } }
    Renamed = { schema = { owner = "string" } }
    Closed = {}
    LineAdded = { schema = { sku = "string", qty = "integer" } }
}
projections = {
    accounts = {
        table = "accounts"
        events = ["Opened", "Noted", "Deposited", "Renamed", "Closed"]
        mapping = {
            Opened = { action = "insert", fields = { owner = "data.owner", balance = "0", opened_at = "timestamp", deposits = "0" } }
            Deposited = { action = "upsert", fields = { balance = "COALESCE(balance, 0) + data.amount", deposits = "COALESCE(deposits, 0) + 1", last = "data.amount" } }
            Renamed = { action = "update", fields = { owner = "UPPER(data.owner)" }, when = "owner IS NOT NULL" }
            Closed = { action = "delete" }
        }
        joins = {
            lines = { table = "account_lines", foreign_key = "account_id", events = ["LineAdded"] }
        }
    }
}
`;

let store: EventStore;
let projection: CompiledProjection;
let position = 0;

beforeAll(async () => {
  const model = await modelOf(APP);
  store = await openEventStore(model.event_store);
  projection = compileProjections(model)[0]!;
});
afterAll(() => store?.close());

function event(type: string, streamId: string, data: Record<string, unknown>): StoredEvent {
  position += 1;
  return {
    id: randomUUID(),
    type,
    streamType: 'account',
    streamId,
    version: position,
    position,
    eventVersion: 1,
    data,
    metadata: {},
    timestamp: new Date(Date.UTC(2024, 0, 1, 0, 0, position)),
  };
}

/** An event's time as to_jsonb prints a timestamptz (the session is UTC). */
const pgTime = (e: StoredEvent) => e.timestamp.toISOString().replace('.000Z', '+00:00');

/** Fresh copies of the projection's tables named with `suffix`. */
async function tables(suffix: string): Promise<TableRef[]> {
  const refs: TableRef[] = [];
  for (const spec of projection.targets) {
    const name = `${spec.name}_${suffix}`;
    await store.query(`DROP TABLE IF EXISTS ${qualify('public', name)}`);
    for (const sql of createTableSql(spec, 'public', name, { ifNotExists: false })) await store.query(sql);
    refs.push({ table: qualify('public', name), key: quoteIdent(spec.key) });
  }
  return refs;
}

async function contents(refs: readonly TableRef[]): Promise<unknown[][]> {
  const out: unknown[][] = [];
  for (const r of refs)
    out.push((await store.query(`SELECT to_jsonb(t) AS row FROM ${r.table} AS t ORDER BY ${r.key}`)).rows.map((x) => x.row));
  return out;
}

async function apply(refs: readonly TableRef[], events: readonly StoredEvent[], merge: MergeMode, chunk = events.length): Promise<void> {
  for (let i = 0; i < events.length; i += Math.max(1, chunk)) {
    const part = events.slice(i, i + Math.max(1, chunk));
    await store.transaction((tx) => applyEvents(tx, projection, refs, part, merge));
  }
}

describe('actions', () => {
  it('insert keeps the first row, upsert reads and writes the current row, update honours when, delete removes', async () => {
    const refs = await tables('actions');
    const first = event('Opened', 'a', { owner: 'ann' });
    await apply(
      refs,
      [
        first,
        event('Opened', 'a', { owner: 'not me' }),
        event('Deposited', 'a', { amount: 10.5 }),
        event('Deposited', 'a', { amount: 0.1 }),
        event('Deposited', 'b', { amount: 3 }),
        event('Renamed', 'a', { owner: 'anna' }),
        event('Renamed', 'b', { owner: 'bob' }),
        event('Opened', 'c', { owner: 'cy' }),
        event('Closed', 'c', {}),
      ],
      'none',
    );
    const [accounts] = await contents(refs);
    expect(accounts).toEqual([
      { id: 'a', owner: 'ANNA', balance: 10.6, opened_at: pgTime(first), deposits: 2, last: 0.1, limit: null, note: null, tags: null },
      // b never opened: the upsert created it; the update's `when` saw no owner and left it
      { id: 'b', owner: null, balance: 3, opened_at: null, deposits: 1, last: 3, limit: null, note: null, tags: null },
    ]);
  });

  it('an unmapped event writes the data fields it carries and keeps the others; a join adds child rows', async () => {
    const refs = await tables('unmapped');
    const line = event('LineAdded', 'a', { sku: 'x-1', qty: 2, extra: 'ignored' });
    const opened = event('Opened', 'a', { owner: 'ann' });
    await apply(
      refs,
      [
        opened,
        event('Noted', 'a', { note: 'first', limit: 100, tags: ['vip'] }),
        event('Noted', 'a', { note: 'second' }),
        event('Noted', 'a', { limit: null }),
        line,
      ],
      'all',
    );
    const [accounts, lines] = await contents(refs);
    expect(accounts).toEqual([
      { id: 'a', owner: 'ann', balance: 0, opened_at: pgTime(opened), deposits: 0, last: null, limit: null, note: 'second', tags: ['vip'] },
    ]);
    expect(lines).toEqual([{ id: line.position, account_id: 'a', sku: 'x-1', qty: 2 }]);
  });
});

describe('merged upserts that reach one row after all', () => {
  it('run again unmerged (PostgreSQL refuses them with 21000)', async () => {
    const model = await modelOf(`event_store = { data_dir = "memory://" }
events = { Hit = { schema = { hits = "integer" } } }
projections = { rounded = { table = "rounded", columns = { id = "numeric(10,2) primary key", hits = "integer" }, events = ["Hit"] } }`);
    const rounded = compileProjections(model)[0]!;
    const spec = rounded.targets[0]!;
    for (const sql of createTableSql(spec, 'public', 'rounded', { ifNotExists: true })) await store.query(sql);
    const refs = [{ table: qualify('public', 'rounded'), key: quoteIdent('id') }];
    // 1.001 and 1.004 differ as keys in TypeScript, but both are 1.00 in the column
    const events = [event('Hit', '1.001', { hits: 1 }), event('Hit', '1.004', { hits: 2 })];
    const modes: MergeMode[] = [];
    await applyInTransaction(store, (tx, merge) => {
      modes.push(merge);
      return applyEvents(tx, rounded, refs, events, merge);
    });
    expect(modes).toEqual(['all', 'inserts']);
    expect((await store.query('SELECT id::text AS id, hits FROM rounded')).rows).toEqual([{ id: '1.00', hits: 2 }]);
  });
});

describe('merged statements', () => {
  it('are used: one statement for a run of inserts, split where an upsert repeats a row', async () => {
    const refs = await tables('count');
    const opens = ['a', 'b', 'c', 'd'].map((id) => event('Opened', id, { owner: id }));
    expect(await store.transaction((tx) => applyEvents(tx, projection, refs, opens, 'inserts'))).toBe(1);
    expect(await store.transaction((tx) => applyEvents(tx, projection, refs, opens, 'none'))).toBe(4);
    const notes = ['a', 'b', 'a', 'c'].map((id) => event('Noted', id, { note: id }));
    expect(await store.transaction((tx) => applyEvents(tx, projection, refs, notes, 'all'))).toBe(2);
  });

  const op = fc.oneof(
    fc.record({
      type: fc.constant('Opened'),
      id: fc.constantFrom('a', 'b', 'c'),
      data: fc.record({ owner: fc.constantFrom('ann', "o'neil", 'x"y') }),
    }),
    fc.record({
      type: fc.constant('Deposited'),
      id: fc.constantFrom('a', 'b', 'c'),
      data: fc.record({ amount: fc.constantFrom(1, 2.5, 0.1, -3, 1e-7) }),
    }),
    fc.record({
      type: fc.constant('Noted'),
      id: fc.constantFrom('a', 'b', 'c'),
      data: fc.record({ note: fc.option(fc.string({ maxLength: 4 })), limit: fc.option(fc.integer()) }, { requiredKeys: [] }),
    }),
    fc.record({ type: fc.constant('Renamed'), id: fc.constantFrom('a', 'b', 'c'), data: fc.record({ owner: fc.constantFrom('z', 'q') }) }),
    fc.record({ type: fc.constant('Closed'), id: fc.constantFrom('a', 'b', 'c'), data: fc.constant({}) }),
    fc.record({
      type: fc.constant('LineAdded'),
      id: fc.constantFrom('a', 'b', 'c'),
      data: fc.record({ sku: fc.constantFrom('s1', 's2'), qty: fc.integer({ min: 1, max: 5 }) }),
    }),
  );

  it('write the same rows as one statement per event, in any batching', async () => {
    const none = await tables('none');
    const inserts = await tables('inserts');
    const all = await tables('all');
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), fc.integer({ min: 1, max: 12 }), async (ops, chunk) => {
        for (const refs of [none, inserts, all]) for (const r of refs) await store.query(`DELETE FROM ${r.table}`);
        const events = ops.map((o) => event(o.type, o.id, o.data as Record<string, unknown>));
        await apply(none, events, 'none');
        await apply(inserts, events, 'inserts', chunk);
        await apply(all, events, 'all', chunk);
        const expected = await contents(none);
        expect(await contents(inserts)).toEqual(expected);
        expect(await contents(all)).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });
});
