/**
 * Migrations and event schemas inside the engine, on a real embedded store (PGlite in
 * memory): snapshots taken under other chains are ignored, idempotent replays are upcast,
 * and an event that does not match its schema is never stored.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appSchema, type AppConfig } from '../../src/config/schema/index.js';
import { buildUpcaster } from '../../src/migrations/buildUpcaster.js';
import { Runtime } from '../../src/runtime/Runtime.js';
import type { EventStore } from '../../src/store/EventStore.js';
import { countingStore, errorOf, memoryStore } from '../engine/fixtures.js';

const account = {
  state: { total: 0 },
  snapshot_frequency: 2,
  commands: {
    Open: { creates: true, emits: 'Opened' },
    Deposit: { input: { amount: 'number' }, emits: 'Deposited' },
  },
  apply: { Deposited: { total: 'total + data.amount' } },
};
// The same aggregate; from v2 on, Deposited amounts are in cents.
const toCents = { Deposited_v1_to_v2: { from_version: 1, to_version: 2, changes: { transform_fields: { amount: 'value * 100' } } } };

const modelOf = (raw: Record<string, unknown>): AppConfig =>
  appSchema.parse({ event_store: { type: 'embedded', data_dir: 'memory://' }, ...raw });
const silent = pino({ level: 'silent' });
const runtimeOf = (model: AppConfig, store: EventStore) =>
  new Runtime({ model, store, upcaster: buildUpcaster(model), logger: silent, ownsStore: false });

let store: EventStore;
beforeAll(async () => {
  store = await memoryStore();
});
afterAll(async () => {
  await store?.close();
});

describe('migrations in the engine', () => {
  it('ignores a snapshot folded before the chains changed, then snapshots and reads the tail under the new ones', async () => {
    const before = runtimeOf(modelOf({ aggregates: { account } }), store);
    await before.command({ aggregateType: 'account', aggregateId: 'a1', command: 'Open', input: {} });
    for (const amount of [1, 2, 3])
      await before.command({ aggregateType: 'account', aggregateId: 'a1', command: 'Deposit', input: { amount } });
    expect((await before.aggregate('account', 'a1')).state).toEqual({ total: 6 });
    expect(await store.loadSnapshot('account', 'a1', before.definitions.get('account')!.configHash)).toMatchObject({ version: 4 });

    const model = modelOf({ aggregates: { account }, event_versioning: { migrations: toCents } });
    const counting = countingStore(store);
    const after = runtimeOf(model, counting.store);
    expect(after.definitions.get('account')!.configHash).not.toBe(before.definitions.get('account')!.configHash);
    expect((await after.aggregate('account', 'a1')).state).toEqual({ total: 600 });
    expect(counting.readEvents()).toBe(4);

    // New deposits are written at v2 (already cents) and snapshot under the new chains.
    const res = await after.command({ aggregateType: 'account', aggregateId: 'a1', command: 'Deposit', input: { amount: 50 } });
    expect(res.events[0]).toMatchObject({ event_version: 2, data: { amount: 50 } });
    await after.command({ aggregateType: 'account', aggregateId: 'a1', command: 'Deposit', input: { amount: 50 } });
    counting.reset();
    expect(await runtimeOf(model, counting.store).aggregate('account', 'a1')).toMatchObject({ version: 6, state: { total: 700 } });
    expect(counting.readEvents()).toBe(0);
  });

  it('upcasts the first result an Idempotency-Key replays', async () => {
    const before = runtimeOf(modelOf({ aggregates: { account } }), store);
    await before.command({ aggregateType: 'account', aggregateId: 'a2', command: 'Open', input: {} });
    const request = { aggregateType: 'account', aggregateId: 'a2', command: 'Deposit', input: { amount: 7 }, idempotencyKey: 'k-a2' };
    expect((await before.command(request)).events[0]).toMatchObject({ event_version: 1, data: { amount: 7 } });
    const after = runtimeOf(modelOf({ aggregates: { account }, event_versioning: { migrations: toCents } }), store);
    expect((await after.command(request)).events[0]).toMatchObject({ event_version: 2, data: { amount: 700 } });
    expect(await store.streamVersion('account', 'a2')).toBe(2);
  });
});

describe('event payload schemas', () => {
  const shipping = {
    state: { status: 'none' },
    commands: {
      Create: { creates: true, input: { to: 'string' }, emits: 'ShipmentCreated' },
      // Both events come from expressions, so a config can make them wrong on purpose.
      Dispatch: {
        input: { weight: 'number', carrier: 'string?' },
        emit: [
          { type: 'ShipmentDispatched', data: { weight: 'input.weight', carrier: 'input.carrier', note: "'x'" } },
          { type: 'ShipmentWeighed', data: { grams: 'input.weight * 1000' } },
        ],
      },
      Log: { input: { text: 'string' }, emit: { type: 'ShipmentLogged', data: { text: 'input.text' } } },
    },
  };
  const events = {
    ShipmentCreated: { schema: { to: 'string', priority: { type: 'string', values: ['low', 'high'], default: 'low' } } },
    ShipmentDispatched: { schema: { weight: { type: 'integer', min: 1 }, carrier: 'string' } },
    ShipmentWeighed: { schema: { grams: { type: 'number', max: 50_000 } } },
  };
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = runtimeOf(modelOf({ aggregates: { shipping }, events }), store);
    await runtime.command({ aggregateType: 'shipping', aggregateId: 's1', command: 'Create', input: { to: 'Oslo' } });
  });

  it('stores a valid event with the schema defaults filled in', async () => {
    const [event] = await store.readStream('shipping', 's1');
    expect(event!.data).toEqual({ to: 'Oslo', priority: 'low' });
    expect((await runtime.aggregate('shipping', 's1')).state).toEqual({ status: 'none', to: 'Oslo', priority: 'low' });
  });

  it('answers 422 EVENT_SCHEMA_VIOLATION naming every bad field of every event, and stores nothing', async () => {
    const err = await errorOf(() =>
      runtime.command({ aggregateType: 'shipping', aggregateId: 's1', command: 'Dispatch', input: { weight: 60.5 } }),
    );
    expect(err.code).toBe('EVENT_SCHEMA_VIOLATION');
    expect(err.details).toEqual([
      { event: 'ShipmentDispatched', field: 'weight', message: 'must be an integer' },
      { event: 'ShipmentDispatched', field: 'carrier', message: 'is required' },
      { event: 'ShipmentDispatched', field: 'note', message: 'is not in the event schema' },
      { event: 'ShipmentWeighed', field: 'grams', message: 'must be at most 50000' },
    ]);
    expect(err.message).toBe(
      'an emitted event does not match its schema: ShipmentDispatched.weight must be an integer; ShipmentDispatched.carrier is required; ShipmentDispatched.note is not in the event schema; ShipmentWeighed.grams must be at most 50000',
    );
    expect(await store.streamVersion('shipping', 's1')).toBe(1);
  });

  it('does not check events whose type has no schema', async () => {
    await runtime.command({ aggregateType: 'shipping', aggregateId: 's1', command: 'Log', input: { text: 'anything' } });
    expect(await store.streamVersion('shipping', 's1')).toBe(2);
  });
});
